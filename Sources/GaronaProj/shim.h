// The system PROJ (Debian: libproj-dev), for reprojecting geographic exports (EPSG:2154, 3857…).
#include <proj.h>
