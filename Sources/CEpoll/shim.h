// Glibc's Swift module does not export <sys/epoll.h>; the HTTP server's event loop needs it.
#include <sys/epoll.h>
