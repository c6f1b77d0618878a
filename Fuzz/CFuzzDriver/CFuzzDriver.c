// Nothing to compile: the header declares libFuzzer's driver for the fuzz targets.
#include "CFuzzDriver.h"
