/* Running a loaded user-mode process until it exits. */
#ifndef SCION_RUN_H
#define SCION_RUN_H

#include "user/process.h"

/* Returns the guest's exit status (as for exit(3)). */
int user_run(UserProcess *p);

#endif
