/*
 * tsctr-shim: the steps a multi-threaded Node process cannot take between fork and exec.
 * It decides nothing: every value arrives in argv or on a file descriptor (docs/shim-protocol.md).
 */
#include "modes.h"
#include "util.h"

#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		die(125, "usage: tsctr-shim launch|init|exec|tie [FLAGS] -- ARGV...");
	shim_mode = argv[1];
	if (!strcmp(argv[1], "launch"))
		return launch_main(argc - 2, argv + 2);
	if (!strcmp(argv[1], "init"))
		return init_main(argc - 2, argv + 2);
	if (!strcmp(argv[1], "exec"))
		return exec_main(argc - 2, argv + 2);
	if (!strcmp(argv[1], "tie"))
		return tie_main(argc - 2, argv + 2);
	shim_mode = "main";
	die(125, "unknown mode \"%s\" (launch, init, exec or tie)", argv[1]);
}
