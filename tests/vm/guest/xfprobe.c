// SPDX-License-Identifier: GPL-2.0-only
/*
 * xfprobe - the I/O probe of the xenfront-pm test rig.
 *
 * One static binary used on both sides of the rig:
 *
 *   xfprobe serve [PORT]          dom0: TCP echo server for the guests, and
 *                                 a UDP time server on the same port
 *   xfprobe run [options]         guest: keeps block and network I/O going,
 *                                 verifies every byte, scans the kernel log
 *                                 and publishes its counters in xenstore
 *   xfprobe xs-read KEY           read a xenstore key (via /dev/xen/xenbus)
 *   xfprobe xs-write KEY VALUE    write a xenstore key
 *   xfprobe arpwatch IF SECS IP   dom0: print a line for each gratuitous ARP
 *                                 announcing IP seen on IF within SECS
 *   xfprobe now                   wall clock in ns (for dom0/guest timings)
 *   xfprobe skew HOST [PORT]      guest: its wall clock minus dom0's, in ns,
 *                                 and the round trip that bounds the error
 *                                 ("serve" answers UDP on its port with
 *                                 dom0's wall clock)
 *
 * The status line lives in the guest's own xenstore home (data/probe), so it
 * reaches dom0 across checkpoints, restores and migrations even when the
 * console log does not.  Format (one atomic write):
 *
 *   <blk_ok> <blk_err> <blk_bad> <net_ok> <net_err> <net_bad> <klog_bad> <seq>
 *
 *   *_ok   verified rounds
 *   *_err  errors: timeouts, resets, I/O errors on the disk (the disk is
 *          then opened again)
 *   *_bad  data that did not verify
 *   klog_bad  kernel log lines matching BUG/WARNING/Oops/leak patterns
 *   seq    increases with every publication
 *
 * dom0 may also run a command in the guest: it writes "SEQ COMMAND" to
 * data/cmd; the probe runs it with /bin/sh, stores up to 3 KiB of output in
 * data/cmd-out and then SEQ in data/cmd-seq.
 *
 * While /tmp/xfprobe-blk-pause exists the block thread issues nothing (it
 * finishes its round first): a scenario that stalls the disk in dom0 needs
 * no task of the guest blocked in synchronous I/O, or the guest's task
 * freezer refuses the suspend.  /tmp/xfprobe-blk-paused says it is idle.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <net/if.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <time.h>
#include <unistd.h>

#define XS_READ 2
#define XS_WRITE 11
#define XS_ERROR 16

struct xs_hdr {
	uint32_t type;
	uint32_t req_id;
	uint32_t tx_id;
	uint32_t len;
};

static const char *xs_dev_paths[] = { "/dev/xen/xenbus", "/proc/xen/xenbus" };

/* One request/response exchange on a fresh handle: robust across resumes. */
static int xs_request(uint32_t type, const void *payload, uint32_t len,
		      char *out, size_t outlen)
{
	struct xs_hdr h = { .type = type, .req_id = 1, .tx_id = 0, .len = len };
	char buf[4096 + sizeof(h)];
	ssize_t n, got = 0;
	int fd = -1;
	size_t i;

	for (i = 0; i < sizeof(xs_dev_paths) / sizeof(xs_dev_paths[0]) && fd < 0; i++)
		fd = open(xs_dev_paths[i], O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (len > 4096) {
		close(fd);
		return -E2BIG;
	}
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, len);
	if (write(fd, buf, sizeof(h) + len) != (ssize_t)(sizeof(h) + len)) {
		close(fd);
		return -EIO;
	}
	while (got < (ssize_t)sizeof(h)) {
		n = read(fd, buf + got, sizeof(buf) - got);
		if (n <= 0) {
			close(fd);
			return -EIO;
		}
		got += n;
	}
	memcpy(&h, buf, sizeof(h));
	while (got < (ssize_t)(sizeof(h) + h.len) && got < (ssize_t)sizeof(buf)) {
		n = read(fd, buf + got, sizeof(buf) - got);
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	if (h.type == XS_ERROR)
		return -EACCES;
	if (out && outlen) {
		size_t l = h.len < outlen - 1 ? h.len : outlen - 1;

		memcpy(out, buf + sizeof(h), l);
		out[l] = 0;
	}
	return 0;
}

static int xs_write(const char *key, const char *val)
{
	char p[4096];
	size_t kl = strlen(key) + 1, vl = strlen(val);

	if (kl + vl > sizeof(p))
		vl = sizeof(p) - kl;
	memcpy(p, key, kl);
	memcpy(p + kl, val, vl);
	return xs_request(XS_WRITE, p, kl + vl, NULL, 0);
}

static int xs_read(const char *key, char *out, size_t outlen)
{
	return xs_request(XS_READ, key, strlen(key) + 1, out, outlen);
}


/* xorshift64*: deterministic patterns that encode where and when. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	return x * 0x2545F4914F6CDD1DULL;
}

static void fill(uint8_t *buf, size_t len, uint64_t seed)
{
	uint64_t s = mix(seed | 1), *p = (uint64_t *)buf;
	size_t i;

	for (i = 0; i < len / 8; i++) {
		s = mix(s);
		p[i] = s;
	}
}

static size_t first_mismatch(const uint8_t *buf, size_t len, uint64_t seed)
{
	uint64_t s = mix(seed | 1);
	const uint64_t *p = (const uint64_t *)buf;
	size_t i;

	for (i = 0; i < len / 8; i++) {
		s = mix(s);
		if (p[i] != s)
			return i * 8;
	}
	return len;
}

/* ---- shared counters ---- */
static struct {
	pthread_mutex_t lock;
	unsigned long blk_ok, blk_err, blk_bad;
	unsigned long net_ok, net_err, net_bad;
	unsigned long klog_bad;
	unsigned long seq;
	char last_bad[512];
} st = { .lock = PTHREAD_MUTEX_INITIALIZER };

static const char *key_prefix = "data/probe";
static int verbose;

static void note_bad(const char *fmt, ...)
{
	char msg[512];
	char key[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "xfprobe: %s\n", msg);
	pthread_mutex_lock(&st.lock);
	if (!st.last_bad[0])
		snprintf(st.last_bad, sizeof(st.last_bad), "%s", msg);
	pthread_mutex_unlock(&st.lock);
	snprintf(key, sizeof(key), "%s-bad", key_prefix);
	xs_write(key, msg);
}

#define BUMP(field) do { pthread_mutex_lock(&st.lock); st.field++; \
			 pthread_mutex_unlock(&st.lock); } while (0)

/* ---- block ---- */
#define SLOT_SIZE (64 * 1024)
#define NSLOTS 64
#define STREAM_OFF ((uint64_t)NSLOTS * SLOT_SIZE)
#define STREAM_CHUNK (1024 * 1024)

static const char *blk_dev = "/dev/xvda";
static uint64_t stream_bytes = 8ULL << 20;
static unsigned int interval_ms = 400;

static int pread_full(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, off + done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += n;
	}
	return 0;
}

static int pwrite_full(int fd, const void *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done, off + done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += n;
	}
	return 0;
}

static void *blk_thread(void *arg)
{
	uint64_t gen[NSLOTS] = { 0 }, round = 0, rng = 0x1234567;
	uint8_t *buf, *sbuf;
	int fd;

	(void)arg;
	if (posix_memalign((void **)&buf, 4096, SLOT_SIZE) ||
	    posix_memalign((void **)&sbuf, 4096, STREAM_CHUNK))
		return NULL;
	while ((fd = open(blk_dev, O_RDWR | O_DIRECT | O_CLOEXEC)) < 0) {
		BUMP(blk_err);
		if (verbose)
			fprintf(stderr, "xfprobe: open %s: %s\n", blk_dev, strerror(errno));
		sleep(1);
	}
	for (;;) {
		int i, bad = 0, ioerr = 0;

		if (!access("/tmp/xfprobe-blk-pause", F_OK)) {
			close(open("/tmp/xfprobe-blk-paused", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
			usleep(200 * 1000);
			continue;
		}
		unlink("/tmp/xfprobe-blk-paused");
		round++;
		/* write four slots with a new generation, verify eight */
		for (i = 0; i < 4 && !bad && !ioerr; i++) {
			unsigned int s;
			int rc;

			rng = mix(rng);
			s = rng % NSLOTS;
			gen[s] = round * NSLOTS + s;
			fill(buf, SLOT_SIZE, gen[s]);
			rc = pwrite_full(fd, buf, SLOT_SIZE, (off_t)s * SLOT_SIZE);
			if (rc) {
				note_bad("blk write slot %u: %s", s, strerror(-rc));
				ioerr = 1;
				gen[s] = 0;	/* contents unknown now: do not verify */
			}
		}
		for (i = 0; i < 8 && !bad && !ioerr; i++) {
			unsigned int s;
			size_t off;
			int rc;

			rng = mix(rng);
			s = rng % NSLOTS;
			if (!gen[s])
				continue;
			memset(buf, 0, SLOT_SIZE);
			rc = pread_full(fd, buf, SLOT_SIZE, (off_t)s * SLOT_SIZE);
			if (rc) {
				note_bad("blk read slot %u: %s", s, strerror(-rc));
				ioerr = 1;
				break;
			}
			off = first_mismatch(buf, SLOT_SIZE, gen[s]);
			if (off != SLOT_SIZE) {
				note_bad("blk data mismatch slot %u gen %llu at +%zu",
					 s, (unsigned long long)gen[s], off);
				bad = 1;
			}
		}
		/* every eighth round: a streaming write of several MiB, read back */
		if (!bad && !ioerr && stream_bytes && round % 8 == 0) {
			uint64_t o;

			for (o = 0; o < stream_bytes && !ioerr; o += STREAM_CHUNK) {
				fill(sbuf, STREAM_CHUNK, round << 20 | o >> 20);
				if (pwrite_full(fd, sbuf, STREAM_CHUNK, STREAM_OFF + o)) {
					note_bad("blk stream write at %llu failed", (unsigned long long)o);
					ioerr = 1;
				}
			}
			if (!ioerr && fdatasync(fd))
				note_bad("blk flush failed: %s", strerror(errno)), ioerr = 1;
			for (o = 0; o < stream_bytes && !ioerr && !bad; o += STREAM_CHUNK) {
				if (pread_full(fd, sbuf, STREAM_CHUNK, STREAM_OFF + o)) {
					note_bad("blk stream read at %llu failed", (unsigned long long)o);
					ioerr = 1;
				} else if (first_mismatch(sbuf, STREAM_CHUNK, round << 20 | o >> 20)
					   != STREAM_CHUNK) {
					note_bad("blk stream mismatch at %llu", (unsigned long long)o);
					bad = 1;
				}
			}
		}
		if (bad) {
			BUMP(blk_bad);
		} else if (ioerr) {
			/*
			 * An I/O error (a detached disk): counted apart from data
			 * that did not verify, and the device is opened again, so
			 * that a disk attached again under the same name is used.
			 */
			BUMP(blk_err);
			close(fd);
			while ((fd = open(blk_dev, O_RDWR | O_DIRECT | O_CLOEXEC)) < 0) {
				BUMP(blk_err);
				sleep(1);
			}
		} else {
			BUMP(blk_ok);
		}
		usleep(interval_ms * 1000);
	}
	return NULL;
}

/* ---- network ---- */
static const char *peer_ip = "10.0.0.1";
static int peer_port = 7777;
#define NET_CHUNK (64 * 1024)

static int net_connect(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(peer_port) };
	struct timeval tv = { .tv_sec = 5 };
	int fd, one = 1;

	if (inet_pton(AF_INET, peer_ip, &sa.sin_addr) != 1)
		return -EINVAL;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

static void *net_thread(void *arg)
{
	uint8_t *out = malloc(NET_CHUNK), *in = malloc(NET_CHUNK);
	uint64_t round = 0;
	int fd = -1;

	(void)arg;
	for (;;) {
		size_t done = 0, got = 0;
		int failed = 0;

		round++;
		if (fd < 0) {
			fd = net_connect();
			if (fd < 0) {
				BUMP(net_err);
				sleep(1);
				continue;
			}
		}
		fill(out, NET_CHUNK, round ^ 0xabcdef);
		/* Send and receive interleaved so the echo never stalls. */
		while ((done < NET_CHUNK || got < NET_CHUNK) && !failed) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			ssize_t n;

			if (done < NET_CHUNK)
				p.events |= POLLOUT;
			if (poll(&p, 1, 8000) <= 0) {
				failed = 1;
				break;
			}
			if (p.revents & POLLOUT) {
				n = send(fd, out + done, NET_CHUNK - done, MSG_NOSIGNAL | MSG_DONTWAIT);
				if (n < 0 && errno != EAGAIN)
					failed = 1;
				else if (n > 0)
					done += n;
			}
			if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
				n = recv(fd, in + got, NET_CHUNK - got, MSG_DONTWAIT);
				if (n == 0 || (n < 0 && errno != EAGAIN))
					failed = 1;
				else if (n > 0)
					got += n;
			}
		}
		if (failed) {
			BUMP(net_err);
			close(fd);
			fd = -1;
			usleep(200 * 1000);
			continue;
		}
		if (first_mismatch(in, NET_CHUNK, round ^ 0xabcdef) != NET_CHUNK) {
			note_bad("net echo mismatch in round %llu", (unsigned long long)round);
			BUMP(net_bad);
			close(fd);
			fd = -1;
		} else {
			BUMP(net_ok);
		}
		usleep(interval_ms * 1000);
	}
	return NULL;
}

/* ---- kernel log ---- */
static const char *klog_patterns[] = {
	"BUG:", "kernel BUG", "WARNING:", "Oops", "still in use", "leaking",
	"Call Trace", "general protection fault", "soft lockup",
	"blocked for more than", "list_add corruption", "refcount_t:",
};

static int klog_fd = -1;

static void klog_scan(void)
{
	char rec[8192];
	ssize_t n;
	size_t i;

	if (klog_fd < 0)
		return;
	for (;;) {
		char *msg;

		n = read(klog_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: keep reading */
		if (n <= 0)
			break;
		rec[n] = 0;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		for (i = 0; i < sizeof(klog_patterns) / sizeof(klog_patterns[0]); i++) {
			if (strstr(msg, klog_patterns[i])) {
				char key[128];

				BUMP(klog_bad);
				msg[strcspn(msg, "\n")] = 0;
				snprintf(key, sizeof(key), "%s-klog", key_prefix);
				xs_write(key, msg);
				fprintf(stderr, "xfprobe: kernel log: %s\n", msg);
				break;
			}
		}
	}
}

/* ---- commands from dom0 ---- */
static void run_command(void)
{
	static unsigned long last_seq;
	char cmd[4096], out[3072 + 1], key[128];
	unsigned long seq;
	size_t len = 0;
	char *sp;
	FILE *f;

	snprintf(key, sizeof(key), "data/cmd");
	if (xs_read(key, cmd, sizeof(cmd)) || !cmd[0])
		return;
	seq = strtoul(cmd, &sp, 10);
	if (!seq || seq == last_seq || *sp != ' ')
		return;
	last_seq = seq;
	f = popen(sp + 1, "r");
	if (f) {
		size_t n;

		while (len < sizeof(out) - 1 &&
		       (n = fread(out + len, 1, sizeof(out) - 1 - len, f)) > 0)
			len += n;
		/* drain the rest so the child does not block */
		while (fread(cmd, 1, sizeof(cmd), f) > 0)
			;
		pclose(f);
	}
	out[len] = 0;
	xs_write("data/cmd-out", out);
	snprintf(cmd, sizeof(cmd), "%lu", seq);
	xs_write("data/cmd-seq", cmd);
}

static void publish(void)
{
	char line[256];

	pthread_mutex_lock(&st.lock);
	st.seq++;
	snprintf(line, sizeof(line), "%lu %lu %lu %lu %lu %lu %lu %lu",
		 st.blk_ok, st.blk_err, st.blk_bad, st.net_ok, st.net_err,
		 st.net_bad, st.klog_bad, st.seq);
	pthread_mutex_unlock(&st.lock);
	xs_write(key_prefix, line);
	if (verbose)
		fprintf(stderr, "xfprobe: %s\n", line);
}

static int cmd_run(int argc, char **argv)
{
	pthread_t tb, tn;
	int opt, want_blk = 1, want_net = 1;

	while ((opt = getopt(argc, argv, "d:p:P:i:s:BNv")) != -1) {
		switch (opt) {
		case 'd': blk_dev = optarg; break;
		case 'p': peer_ip = optarg; break;
		case 'P': peer_port = atoi(optarg); break;
		case 'i': interval_ms = atoi(optarg); break;
		case 's': stream_bytes = strtoull(optarg, NULL, 0) << 20; break;
		case 'B': want_blk = 0; break;
		case 'N': want_net = 0; break;
		case 'v': verbose = 1; break;
		default:
			fprintf(stderr, "usage: xfprobe run [-d dev] [-p peer] [-P port] "
				"[-i ms] [-s stream-MiB] [-B] [-N] [-v]\n");
			return 2;
		}
	}
	klog_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (want_blk)
		pthread_create(&tb, NULL, blk_thread, NULL);
	if (want_net)
		pthread_create(&tn, NULL, net_thread, NULL);
	for (;;) {
		klog_scan();
		publish();
		run_command();
		usleep(300 * 1000);
	}
	return 0;
}

/* ---- dom0 echo server ---- */
static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * UDP on the serve port: every datagram is answered with its own first word
 * (the asker's exchange number) and dom0's wall clock.
 */
static void time_responder(struct sockaddr_in sa)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("xfprobe serve: time responder");
		_exit(1);
	}
	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		char buf[64], out[96];
		ssize_t n = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &fl);
		int len;

		if (n <= 0)
			continue;
		buf[n] = 0;
		len = snprintf(out, sizeof(out), "%.20s %lld", buf, now_ns());
		sendto(fd, out, len, 0, (struct sockaddr *)&from, fl);
	}
}

/*
 * Guest: how far the guest's wall clock is ahead of dom0's, from 20 UDP
 * exchanges with "xfprobe serve": the exchange with the shortest round trip
 * wins, and its round trip bounds the error.  Prints "<skew_ns> <rtt_ns>".
 */
static int cmd_skew(const char *host, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	long long best_rtt = -1, best_skew = 0;
	struct timeval tv = { .tv_sec = 0, .tv_usec = 500000 };
	int fd, i;

	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "xfprobe skew: bad address %s\n", host);
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("xfprobe skew");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (i = 0; i < 20; i++) {
		char buf[96], tag[16];
		long long t1, t2, remote;
		int len, seq;
		ssize_t n;

		len = snprintf(tag, sizeof(tag), "%d", i);
		t1 = now_ns();
		if (send(fd, tag, len, 0) != len)
			continue;
		/* a late answer to an earlier exchange is skipped, not timed */
		do {
			n = recv(fd, buf, sizeof(buf) - 1, 0);
			if (n > 0) {
				buf[n] = 0;
				if (sscanf(buf, "%d %lld", &seq, &remote) != 2)
					seq = -1;
			}
		} while (n > 0 && seq != i);
		t2 = now_ns();
		if (n <= 0)
			continue;
		if (best_rtt < 0 || t2 - t1 < best_rtt) {
			best_rtt = t2 - t1;
			best_skew = t1 + (t2 - t1) / 2 - remote;
		}
	}
	close(fd);
	if (best_rtt < 0) {
		fprintf(stderr, "xfprobe skew: no answer from %s:%d\n", host, port);
		return 1;
	}
	printf("%lld %lld\n", best_skew, best_rtt);
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1, lfd;

	sa.sin_port = htons(argc > 1 ? atoi(argv[1]) : 7777);
	signal(SIGCHLD, SIG_IGN);
	if (fork() == 0)
		time_responder(sa);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 64)) {
		perror("xfprobe serve");
		return 1;
	}
	for (;;) {
		int c = accept(lfd, NULL, NULL);

		if (c < 0)
			continue;
		if (fork() == 0) {
			char buf[65536];
			ssize_t n;

			close(lfd);
			setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			while ((n = recv(c, buf, sizeof(buf), 0)) > 0) {
				ssize_t o = 0;

				while (o < n) {
					ssize_t w = send(c, buf + o, n - o, MSG_NOSIGNAL);

					if (w <= 0)
						_exit(0);
					o += w;
				}
			}
			_exit(0);
		}
		close(c);
	}
}

/* ---- dom0: watch for gratuitous ARPs (sender IP == target IP) ---- */
static int cmd_arpwatch(const char *ifname, int secs, const char *ip)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP) };
	struct in_addr want;
	time_t end = time(NULL) + secs;
	unsigned int seen = 0;
	int fd;

	if (inet_pton(AF_INET, ip, &want) != 1)
		return 2;
	fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ARP));
	sll.sll_ifindex = if_nametoindex(ifname);
	if (fd < 0 || !sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("xfprobe arpwatch");
		return 1;
	}
	while (time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint8_t a[64];
		ssize_t n;

		if (poll(&p, 1, 500) <= 0)
			continue;
		n = recv(fd, a, sizeof(a), 0);
		/* Ethernet/IPv4 ARP: sender IP at 14, target IP at 24 */
		if (n < 28 || a[4] != 6 || a[5] != 4)
			continue;
		if (!memcmp(a + 14, &want, 4) && !memcmp(a + 24, &want, 4)) {
			printf("garp %u from %02x:%02x:%02x:%02x:%02x:%02x op %u\n", ++seen,
			       a[8], a[9], a[10], a[11], a[12], a[13], a[6] << 8 | a[7]);
			fflush(stdout);
		}
	}
	printf("done %u\n", seen);
	return 0;
}

int main(int argc, char **argv)
{
	char out[4096];

	if (argc >= 2 && !strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "serve"))
		return cmd_serve(argc - 1, argv + 1);
	if (argc == 3 && !strcmp(argv[1], "xs-read")) {
		if (xs_read(argv[2], out, sizeof(out)))
			return 1;
		puts(out);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "xs-write"))
		return xs_write(argv[2], argv[3]) ? 1 : 0;
	if (argc == 5 && !strcmp(argv[1], "arpwatch"))
		return cmd_arpwatch(argv[2], atoi(argv[3]), argv[4]);
	if (argc == 2 && !strcmp(argv[1], "now")) {
		/* wall clock in ns: busybox's date has no %N */
		printf("%lld\n", now_ns());
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "skew"))
		return cmd_skew(argv[2], argc > 3 ? atoi(argv[3]) : 7777);
	fprintf(stderr, "usage: xfprobe run|serve|now|skew HOST [PORT]|xs-read KEY|xs-write KEY VALUE\n");
	return 2;
}
