"""A web page on another origin reads the API in real Chromium, as the ORUK website's request widget and
other directories' pages do: conditional requests need a preflight, and the ETag must be readable."""

ANOTHER_DIRECTORY = b"<!doctype html><html lang='en'><title>Another directory</title><h1>Another directory</h1>"


def another_directory(_environ, start_response):
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [ANOTHER_DIRECTORY]


def test_a_page_on_another_origin_revalidates_what_it_read_with_its_etag(page, live_server, serve):
    page.goto(serve(another_directory))  # another port: another origin
    seen = page.evaluate(
        """async (api) => {
            const url = `${api}/api/services?per_page=1`;
            const first = await fetch(url);
            const etag = first.headers.get("ETag");
            const modified = first.headers.get("Last-Modified");
            const byEtag = await fetch(url, {headers: {"If-None-Match": etag}});
            const byDate = await fetch(url, {headers: {"If-Modified-Since": modified}});
            return {first: first.status, etag, services: (await first.json()).contents.length,
                    byEtag: byEtag.status, byDate: byDate.status};
        }""",
        live_server,
    )
    assert (seen["first"], seen["services"]) == (200, 1)
    assert seen["etag"], "the ETag is exposed to the page's script"
    assert (seen["byEtag"], seen["byDate"]) == (304, 304)
