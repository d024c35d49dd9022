#include "modes.h"
#include "util.h"

int init_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	die(125, "not implemented yet");
}

int exec_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	die(125, "not implemented yet");
}
