/* The one program of a FROM scratch test image (tests/e2e/tools.sh): it
 * listens on 127.0.0.1:PORT (default 8080) and answers every connection, an
 * HTTP request or not, with an HTTP reply "hello from scratch\n", forever. Static, no libc beyond what gcc -static
 * links, so its image has no shell, no ls, no ps: nothing but this file. */
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 8080;
    int server = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (server < 0 || bind(server, (struct sockaddr *)&address, sizeof address) < 0 || listen(server, 8) < 0)
        return 1;
    for (;;) {
        int client = accept(server, NULL, NULL);
        if (client < 0)
            continue;
        char request[1024];
        (void)!read(client, request, sizeof request);
        static const char reply[] = "HTTP/1.0 200 OK\r\nContent-Length: 19\r\n\r\nhello from scratch\n";
        (void)!write(client, reply, sizeof reply - 1);
        close(client);
    }
}
