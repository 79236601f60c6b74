// The system zlib (Debian: zlib1g-dev), for gzip-compressed exports and deflated XLSX entries.
#include <zlib.h>
