#include "include/cspawn.h"
