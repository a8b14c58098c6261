#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_num.h"
#include "pl_timeout.h"

static char prefix[256];
static size_t prefix_len;
static const char *volatile waiting = "starting";
static volatile int expire_state = PL_UNKNOWN;

static void
write_all(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void
on_alarm(int sig)
{
	const char *w = waiting;
	size_t n = 0;

	(void)sig;
	while (w[n] != '\0')
		n++;
	write_all(prefix, prefix_len);
	write_all(w, n);
	write_all("\n", 1);
	_exit(expire_state);
}

void
pl_timeout_arm(double seconds, enum pl_state state, const char *service)
{
	struct sigaction sa;
	struct itimerval it;
	char num[32];

	pl_snprintf(prefix, sizeof(prefix), "%s %s - timed out after %ss while ", service,
		    pl_state_name(state), pl_fmt_num(num, sizeof(num), seconds, 3));
	prefix_len = strlen(prefix);
	expire_state = (int)state;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);

	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = (time_t)seconds;
	it.it_value.tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6);
	if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
		it.it_value.tv_usec = 1;
	setitimer(ITIMER_REAL, &it, NULL);
}

void
pl_timeout_waiting(const char *what)
{
	waiting = what;
}

void
pl_timeout_disarm(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
}
