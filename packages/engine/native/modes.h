/* Entry points of the shim's modes; argv starts after the mode word. */
#ifndef TSCTR_MODES_H
#define TSCTR_MODES_H

int launch_main(int argc, char **argv);
int init_main(int argc, char **argv);
int exec_main(int argc, char **argv);
int tie_main(int argc, char **argv);

#endif
