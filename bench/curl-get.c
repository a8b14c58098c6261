/* bench/curl-get: the floor of any libcurl check, for bench/url. One GET of argv[1]
 * through libcurl with nothing else (the CA file argv[2] where not empty, one --resolve
 * entry argv[3]); with no argument it only loads libcurl and exits. Prints the libcurl
 * result and the status code. */
#include <curl/curl.h>
#include <stdio.h>

static size_t
discard(char *p, size_t size, size_t n, void *u)
{
	(void)p;
	(void)u;
	return size * n;
}

int
main(int argc, char **argv)
{
	struct curl_slist *res = NULL;
	CURL *h;
	long code = 0;
	int rc;

	if (argc < 2)
		return curl_version_info(CURLVERSION_NOW) == NULL;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	h = curl_easy_init();
	if (h == NULL)
		return 1;
	curl_easy_setopt(h, CURLOPT_URL, argv[1]);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if (argc > 2 && argv[2][0] != '\0')
		curl_easy_setopt(h, CURLOPT_CAINFO, argv[2]);
	if (argc > 3) {
		res = curl_slist_append(NULL, argv[3]);
		curl_easy_setopt(h, CURLOPT_RESOLVE, res);
	}
	rc = (int)curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	printf("%d %ld\n", rc, code);
	curl_easy_cleanup(h);
	curl_slist_free_all(res);
	return rc;
}
