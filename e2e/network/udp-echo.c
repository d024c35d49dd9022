/* A UDP echo server for the network e2e test (the busybox fixture's nc has no -u): replies "echo:<datagram>". */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
	char buf[1024], out[1100];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	addr.sin_port = htons(argc > 1 ? atoi(argv[1]) : 5353);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		perror("udp-echo");
		return 1;
	}
	for (;;) {
		struct sockaddr_in peer;
		socklen_t len = sizeof peer;
		ssize_t n = recvfrom(fd, buf, sizeof buf - 1, 0, (struct sockaddr *)&peer, &len);
		if (n < 0)
			continue;
		buf[n] = 0;
		n = snprintf(out, sizeof out, "echo:%s", buf);
		sendto(fd, out, (size_t)n, 0, (struct sockaddr *)&peer, len);
	}
}
