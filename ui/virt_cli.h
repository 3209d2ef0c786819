/* `scion virt ...`: parse the system board's options and run it. */
#ifndef SCION_VIRT_CLI_H
#define SCION_VIRT_CLI_H

/* argv holds the options after "virt"; returns the exit status. */
int virt_cli_main(int argc, char **argv);

#endif
