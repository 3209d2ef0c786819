/* `scion gba`: the Game Boy Advance machine's command line. */
#ifndef SCION_GBA_CLI_H
#define SCION_GBA_CLI_H

/* argv[0] is the first option (after "gba"); returns the exit status. */
int gba_cli_main(int argc, char **argv);

#endif
