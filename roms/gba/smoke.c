#include "test.h"
const char test_name[] = "SMOKE 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ-_:./=()+!?#";
int main(void) { return 7; }
