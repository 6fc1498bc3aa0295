#!/bin/sh
# LOG_COMPILER for `make check`: runs compiled tests under valgrind memcheck
# (Criterion forks workers, hence --trace-children); scripts run as they are.
case "$1" in
*.sh) exec sh "$@" ;;
esac
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--trace-children=yes --track-fds=no "$@"
