// libedit (BSD editline) through its GNU-readline-compatible API:
// readline(), add_history(), read_history()/write_history() and
// rl_attempted_completion_function/rl_completion_matches. Debian/Ubuntu:
// apt-get install libedit-dev (headers in /usr/include/editline).
#ifndef FLOW_CEDITLINE_SHIM_H
#define FLOW_CEDITLINE_SHIM_H
#include <stdio.h>
#include <stdlib.h>
#include <editline/readline.h>
#endif
