#ifndef SIMFLEET_CYAML_SHIM_H
#define SIMFLEET_CYAML_SHIM_H
#include <yaml.h>
#endif
