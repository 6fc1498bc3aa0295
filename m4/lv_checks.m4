# libverity's own configure checks (MIT, like the rest of the tree).

# LV_CHECK_CFLAGS(FLAGS, [ACTION-IF-ACCEPTED], [ACTION-IF-NOT])
# -----------------------------------------------------------
# Whether the C compiler accepts FLAGS without a warning (-Werror): an
# unknown -m or -W option must count as refused, not as a warning.
AC_DEFUN([LV_CHECK_CFLAGS], [
	AC_MSG_CHECKING([whether $CC accepts $1])
	lv_saved_cflags=$CFLAGS
	CFLAGS="$CFLAGS -Werror $1"
	AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [return 0;])],
		[CFLAGS=$lv_saved_cflags; AC_MSG_RESULT([yes]); $2],
		[CFLAGS=$lv_saved_cflags; AC_MSG_RESULT([no]); $3])
])

# LV_PTHREAD([ACTION-IF-FOUND], [ACTION-IF-NOT])
# ---------------------------------------------
# POSIX threads through the compiler's -pthread (GCC and Clang on the
# systems libverity's hosted part runs on); sets PTHREAD_CFLAGS and
# PTHREAD_LIBS when a program using pthread_create links with it.
AC_DEFUN([LV_PTHREAD], [
	AC_MSG_CHECKING([whether $CC -pthread links pthread_create])
	lv_saved_cflags=$CFLAGS
	lv_saved_libs=$LIBS
	CFLAGS="$CFLAGS -pthread"
	LIBS="$LIBS -pthread"
	AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <pthread.h>
static void *lv_run(void *arg) { return arg; }]],
		[[pthread_t t; return pthread_create(&t, 0, lv_run, 0);]])],
		[lv_pthread=yes], [lv_pthread=no])
	CFLAGS=$lv_saved_cflags
	LIBS=$lv_saved_libs
	AC_MSG_RESULT([$lv_pthread])
	AS_IF([test "x$lv_pthread" = xyes],
		[PTHREAD_CFLAGS=-pthread; PTHREAD_LIBS=-pthread; $1], [$2])
	AC_SUBST([PTHREAD_CFLAGS])
	AC_SUBST([PTHREAD_LIBS])
])
