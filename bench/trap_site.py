#!/usr/bin/env python3
"""An endless web site on 127.0.0.1, made of the crawler traps real sites have, for
bench/crawl-trap.sh: a crawl of it ends only because the crawler's limits end it.

    python3 bench/trap_site.py [--port N]     prints its base URL on the first line, then serves

Every page is generated from its URL alone, so the same URL always gives the same page:

    /                      home: links to the entrance of each trap
    /n/K                   a chain without end: each node links to the next, /n/K+1
    /n/K?page=P&sort=S     on each node, pagination (pages P+1 and P-1) and three sort orders
                           (name, date, size): a path with endless query strings
    /cal/YYYY/MM           a calendar: the previous and next month, and each day of the month
    /cal/YYYY/MM/DD        a day: its month, the previous and next day
    /dir/.../              a soft-404 directory: each links to sub/ under itself, so
                           /dir/sub/sub/sub/... never ends

and, not linked from the home page, the pages bench/page-memory.sh measures one at a time:

    /links/N               one page of N links, each to its own page on another site
    /repeated/N            one page of N links to the same 100 pages on other sites, as a
                           page repeating its navigation links them
    /endless/K             a page that never ends: links to other sites, sent chunked for as
                           long as the client reads (K only tells such pages apart)
    /endless-index/N       a page linking to /endless/1 .. /endless/N

Anything else (robots.txt and sitemap.xml included) is a 404 page. Pages are HTML of 0.6 to
2 kB with 2 to 8 links (a month's 30 or so, one a day). Only the standard library; one thread
per connection, with keep-alive and TCP_NODELAY, so that the server is not what a crawl waits
for.
"""

import argparse
import sys
import zlib
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SORTS = ("name", "date", "size")
WORDS = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud "
    "exercitation ullamco laboris nisi aliquip ex ea commodo consequat duis aute irure"
).split()


def text(seed, words=60):
    """Filler text chosen by a checksum of the URL: the same for the same URL, in any run."""
    n = zlib.crc32(seed.encode())
    out = []
    for _ in range(words):
        n = (n * 1103515245 + 12345) & 0x7FFFFFFF
        out.append(WORDS[n % len(WORDS)])
    return " ".join(out)


def page(url, title, links):
    items = "\n".join(
        '<li><a href="%s">%s</a></li>' % (escape(href), label) for href, label in links
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>%s</title>\n</head>\n<body>\n<h1>%s</h1>\n<p>%s</p>\n<ul>\n%s\n</ul>\n"
        "</body>\n</html>\n" % (title, title, text(url), items)
    )


def node_url(k, p=1, sort=None):
    query = []
    if p > 1:
        query.append("page=%d" % p)
    if sort:
        query.append("sort=%s" % sort)
    return "/n/%d" % k + ("?" + "&".join(query) if query else "")


def month_url(y, m):
    return "/cal/%04d/%02d" % (y, m)


def day_url(y, m, d):
    """Day `d` of the month; 0 is the last day of the month."""
    return "%s/%02d" % (month_url(y, m), d or days_in(y, m))


def days_in(y, m):
    if m == 2:
        return 29 if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else 28
    return 30 if m in (4, 6, 9, 11) else 31


def next_month(y, m, step):
    i = y * 12 + (m - 1) + step
    return i // 12, i % 12 + 1


def node(k, p, sort):
    links = [(node_url(k + 1), "next: node %d" % (k + 1)),
             (node_url(k, p + 1, sort), "page %d" % (p + 1))]
    if p > 1:
        links.append((node_url(k, p - 1, sort), "page %d" % (p - 1)))
    links += [(node_url(k, p, s), "by %s" % s) for s in SORTS if s != sort]
    y, m = 2000 + k % 30, k % 12 + 1
    links += [(month_url(y, m), "archive %04d-%02d" % (y, m)), ("/", "home")]
    return page(node_url(k, p, sort), "Node %d, page %d" % (k, p), links)


def month(y, m):
    links = [(month_url(*next_month(y, m, -1)), "previous month"),
             (month_url(*next_month(y, m, 1)), "next month")]
    links += [(day_url(y, m, d), "%d" % d) for d in range(1, days_in(y, m) + 1)]
    return page(month_url(y, m), "%04d-%02d" % (y, m), links)


def day(y, m, d):
    before = day_url(y, m, d - 1) if d > 1 else day_url(*next_month(y, m, -1), 0)
    after = day_url(y, m, d + 1) if d < days_in(y, m) else day_url(*next_month(y, m, 1), 1)
    links = [(month_url(y, m), "the month"), (before, "previous day"), (after, "next day")]
    return page(day_url(y, m, d), "%04d-%02d-%02d" % (y, m, d), links)


def external_links(first, count):
    """`count` links from the `first`th on, each to a page of its own on one of 1,000 sites."""
    return [("https://site-%d.example/page/%d" % (i % 1000, i), "page %d" % i)
            for i in range(first, first + count)]


ENDLESS_BATCH = 2000


def endless(handler):
    """Streams an endless page: its head, then batches of external links, chunked, until the
    client stops reading."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    first = 0
    head = "<!DOCTYPE html>\n<html><head><title>Endless</title></head><body><ul>\n"
    try:
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(head), head.encode()))
        while True:
            items = "".join('<li><a href="%s">%s</a></li>\n' % link
                            for link in external_links(first, ENDLESS_BATCH))
            first += ENDLESS_BATCH
            body = items.encode()
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(body), body))
    except (BrokenPipeError, ConnectionResetError):
        handler.close_connection = True


def home():
    return page("/", "An endless site", [
        (node_url(0), "the chain"), (node_url(0, 1, "date"), "the chain, by date"),
        (month_url(2024, 1), "the calendar"), ("/dir/", "the directory"),
    ])


def number(digits):
    return int(digits) if digits.isdigit() else -1


def render(target):
    """The page at `target` (path and query), or None for a 404.

    Each kind of page is parsed leniently, then its URL is built again from what was
    parsed: only a URL the site itself links to, spelled the same way, is a page.
    """
    path, _, query = target.partition("?")
    parts = path.split("/")[1:]
    args = dict(pair.partition("=")[::2] for pair in query.split("&")) if query else {}
    if target == "/":
        return home()
    if parts[0] == "n" and len(parts) == 2:
        k, p, sort = number(parts[1]), number(args.get("page", "1")), args.get("sort")
        if k >= 0 and p >= 1 and sort in (None,) + SORTS and node_url(k, p, sort) == target:
            return node(k, p, sort)
    elif parts[0] == "cal" and len(parts) in (3, 4):
        y, m = number(parts[1]), number(parts[2])
        if len(parts) == 3 and 1 <= m <= 12 and month_url(y, m) == target:
            return month(y, m)
        d = number(parts[-1])
        if len(parts) == 4 and 1 <= m <= 12 and 1 <= d <= days_in(y, m) \
                and day_url(y, m, d) == target:
            return day(y, m, d)
    elif parts[0] == "links" and len(parts) == 2 and number(parts[1]) >= 0:
        return page(target, "%d links" % number(parts[1]), external_links(0, number(parts[1])))
    elif parts[0] == "repeated" and len(parts) == 2 and number(parts[1]) >= 0:
        links = [external_links(i % 100, 1)[0] for i in range(number(parts[1]))]
        return page(target, "%d links to 100 pages" % number(parts[1]), links)
    elif parts[0] == "endless-index" and len(parts) == 2 and number(parts[1]) >= 0:
        pages = [("/endless/%d" % k, "endless %d" % k) for k in range(1, number(parts[1]) + 1)]
        return page(target, "Endless pages", pages)
    elif parts[0] == "dir" and target.endswith("/") and set(parts[1:-1]) <= {"sub"}:
        return page(target, "Directory %s" % target, [("sub/", "more"), ("/", "home")])
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle's algorithm and delayed
    # ACKs hold the second one back 40 ms on a kept-alive connection.
    disable_nagle_algorithm = True
    server_version = "trap-site"
    sys_version = ""

    def answer(self, with_body):
        html = render(self.path) if self.path.startswith("/") else None
        status = 200 if html is not None else 404
        if html is None:
            html = page(self.path, "Not found", [("/", "home")])
        body = html.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_GET(self):
        if self.path.startswith("/endless/"):
            endless(self)
        else:
            self.answer(True)

    def do_HEAD(self):
        self.answer(False)

    def log_message(self, format, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # The crawler opens its connections at once; the default backlog of 5 would make some
    # of them wait for a SYN retry.
    request_queue_size = 128


def main():
    parser = argparse.ArgumentParser(description="Serve an endless site of crawler traps.")
    parser.add_argument(
        "--port", type=int, default=0, help="port on 127.0.0.1 (default: any free one)"
    )
    args = parser.parse_args()
    server = Server(("127.0.0.1", args.port), Handler)
    print("http://127.0.0.1:%d/" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
