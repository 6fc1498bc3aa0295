/* SPDX-License-Identifier: MIT */
/* verify-image: a drop-in for veritysetup's userspace commands. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"

const char *cli_program = "verify-image";

/* One line per subcommand. */
static const struct cli_command *const commands[] = {
    &cli_cmd_format, &cli_cmd_verify,  &cli_cmd_dump,  &cli_cmd_sig,
    &cli_cmd_read,   &cli_cmd_cat,     &cli_cmd_table, &cli_cmd_dissect,
    &cli_cmd_lvm,    &cli_cmd_extract, &cli_cmd_ls,    &cli_cmd_repair,
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static void print_version(FILE *out)
{
	fprintf(out, "verify-image %s (SHA-256: %s, %s for many blocks)\n", VERITY_VERSION_STRING,
	        verity_sha256_impl_name(false), verity_sha256_impl_name(true));
}

/* --version: choose now, as a verify run would, and say why. */
static void print_version_measured(FILE *out)
{
	enum { CALIBRATION_BYTES = 16 * 4096 };
	void *blocks = calloc(1, CALIBRATION_BYTES);

	if (blocks)
		verity_sha256_calibrate(blocks, CALIBRATION_BYTES);
	free(blocks);
	print_version(out);
	fprintf(out, "SHA-256 for many blocks: %s\nSHA-256 for one message: %s\n",
	        verity_sha256_impl_reason(true), verity_sha256_impl_reason(false));
}

/* Refuses a VERITY_SHA256_IMPL that would otherwise be ignored. */
static int check_sha256_env(void)
{
	int err = verity_sha256_check_env();

	if (!err)
		return EXIT_OK;
	cli_error("VERITY_SHA256_IMPL=%s: %s.", getenv("VERITY_SHA256_IMPL"),
	          err == VERITY_E_INVAL ? "no SHA-256 implementation of that name"
	                                : "this CPU cannot run that SHA-256 implementation");
	return EXIT_USAGE;
}

static void print_usage(FILE *out)
{
	fprintf(out, "Usage: verify-image [OPTION...] <action> <action-specific>\n");
}

static void print_help(FILE *out)
{
	print_version(out);
	fprintf(out, "Verify Linux dm-verity images; a drop-in for veritysetup's userspace "
	             "commands.\n\n");
	print_usage(out);
	fprintf(out, "\n<action> is one of:\n");
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "\t%s %s - %s\n", commands[i]->name, commands[i]->args,
		        commands[i]->summary);
	fprintf(out, "\nRun 'verify-image <action> --help' for the options of an action.\n"
	             "Options may come before or after the action.\n\n"
	             "Default compiled-in dm-verity parameters:\n"
	             "\tHash: sha256, Data block (bytes): 4096, Hash block (bytes): 4096, "
	             "Salt size: 32, Hash format: 1\n\n"
	             "Exit status: 0 success, 1 wrong parameters or root hash, 2 corruption,\n"
	             "3 out of memory, 4 missing file or I/O error, 6 bad signature, 7 not "
	             "found.\n");
}

static void print_command_help(FILE *out, const struct cli_command *cmd)
{
	fprintf(out, "Usage: verify-image %s [OPTION...] %s\n%s.\n\nOptions:\n", cmd->name,
	        cmd->args, cmd->summary);
	cli_print_option_help(out, cmd->options);
	cli_print_common_option_help(out, !cmd->raw_stdout);
}

static const struct cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

/* Whether --json is on the command line, even one the parser refuses. */
static bool wants_json(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--json") == 0)
			return true;
	return false;
}

/* Everything but the JSON object; returns the exit status. */
static int run(int argc, char **argv, bool json)
{
	const struct cli_command *cmd = NULL;
	struct cli_options opts;
	FILE *text = json ? stderr : stdout; /* stdout holds the JSON object alone */
	int npos, ret;

	ret = cli_parse_options(argc, argv, &opts, &npos);
	if (ret) {
		print_usage(stderr);
		return ret;
	}
	if (npos > 0) {
		cmd = find_command(argv[0]);
		if (!cmd) {
			cli_error("Unknown action %s.", argv[0]);
			print_usage(stderr);
			return EXIT_USAGE;
		}
	}
	ret = check_sha256_env();
	if (ret)
		return ret;
	if (opts.version) {
		print_version_measured(text);
		cli_json_field_string("version", VERITY_VERSION_STRING);
		return EXIT_OK;
	}
	if (opts.help || opts.usage) {
		if (cmd)
			print_command_help(text, cmd);
		else if (opts.usage)
			print_usage(text);
		else
			print_help(text);
		return EXIT_OK;
	}
	if (!cmd) {
		cli_error("Argument <action> missing.");
		print_usage(stderr);
		return EXIT_USAGE;
	}
	ret = cli_check_options(&opts, cmd);
	if (ret) {
		print_usage(stderr);
		return ret;
	}
	if (npos - 1 < cmd->min_args || npos - 1 > cmd->max_args) {
		cli_error("%s: wrong number of arguments.", cmd->name);
		fprintf(stderr, "Usage: verify-image %s [OPTION...] %s\n", cmd->name, cmd->args);
		return EXIT_USAGE;
	}
	ret = cmd->run(&opts, npos - 1, argv + 1);
	cli_debug(&opts, "SHA-256 for many blocks: %s, %s", verity_sha256_impl_name(true),
	          verity_sha256_impl_reason(true));
	cli_debug(&opts, "SHA-256 for one message: %s, %s", verity_sha256_impl_name(false),
	          verity_sha256_impl_reason(false));
	if (ret == EXIT_OK)
		cli_verbose(&opts, "Command successful.");
	else
		cli_verbose(&opts, "Command failed with exit code %d.", ret);
	return ret;
}

/*
 * Image files are hashed through mappings: one truncated by someone else
 * while it is being hashed raises SIGBUS (BUS_ADRERR). That is an I/O error,
 * reported as one; any other SIGBUS keeps its default action.
 */
static char sigbus_json[160];

static void on_sigbus(int sig, siginfo_t *info, void *uctx)
{
	static const char msg[] = "A file shrank while it was being read.\n";

	(void)uctx;
	if (info->si_code != BUS_ADRERR) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) >= 0 && sigbus_json[0])
		(void)!write(STDOUT_FILENO, sigbus_json, strlen(sigbus_json));
	_exit(EXIT_IO);
}

static void catch_sigbus(bool json)
{
	struct sigaction sa;

	if (json)
		snprintf(sigbus_json, sizeof(sigbus_json),
		         "{\"status\":\"error\",\"exit_code\":%d,\"error\":\"io\",\"message\":"
		         "\"A file shrank while it was being read.\"}\n",
		         EXIT_IO);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

int main(int argc, char **argv)
{
	bool json = wants_json(argc, argv);
	int ret;

	catch_sigbus(json);
	ret = run(argc, argv, json);

	if (json)
		cli_json_finish(ret);
	return ret;
}
