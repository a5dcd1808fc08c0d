using System.Security.Cryptography;
using System.Text;

namespace FeedProxy.Schedule;

/// <summary>
/// The grid's only style and script, inline, and the Content-Security-Policy allowing exactly
/// them (the script by hash). About 7 KB together, no framework: the page is complete HTML
/// without the script, which only keeps it current.
/// </summary>
internal static class ScheduleGridAssets
{
    // Light: text #1b1b1b on white or on blocks tinted 14% with the track colour (>= 12:1);
    // muted #4a4a4a (>= 7:1). Dark: #f2f2f2 on #121212 and on blocks tinted 24% over #1e1e1e.
    // Focus is a 3px outline in the text colour, never colour alone.
    public const string Css = """
        *,*::before,*::after{box-sizing:border-box}
        html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.4;color:var(--fg);background:var(--bg);-webkit-text-size-adjust:100%}
        :root{--fg:#1b1b1b;--muted:#4a4a4a;--bg:#fff;--block:#fff;--line:#d0d0d0;--link:#0a4f96;--accent:#0a4f96;--on-accent:#fff;--now:#b00020}
        :root[data-theme=dark]{--fg:#f2f2f2;--muted:#c8c8c8;--bg:#121212;--block:#1e1e1e;--line:#555;--link:#9cc7ff;--accent:#9cc7ff;--on-accent:#000;--now:#ff8a80}
        body{margin:0}
        main{margin:0 auto;padding:.75rem;max-width:96rem}
        h1{font-size:1.5rem;margin:.25rem 0}
        a{color:var(--link)}
        a:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid var(--fg);outline-offset:2px}
        .meta{color:var(--muted);margin:.25rem 0}
        .vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        .skip{position:absolute;left:-999px;top:0;background:var(--bg);padding:.5rem}
        .skip:focus{left:.5rem}
        .days ul{list-style:none;display:flex;flex-wrap:wrap;gap:.4rem;padding:0;margin:.5rem 0}
        .days a{display:inline-block;min-height:44px;padding:.6rem .8rem;border:2px solid var(--accent);border-radius:.4rem;text-decoration:none;font-weight:600;color:var(--fg)}
        .days a[aria-current]{background:var(--accent);color:var(--on-accent)}
        form.search{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0}
        form.search input{font:inherit;min-height:44px;padding:.4rem .6rem;border:2px solid var(--muted);border-radius:.4rem;background:var(--bg);color:var(--fg);min-width:0;flex:1 1 12rem;max-width:24rem}
        button,.button{font:inherit;font-weight:600;min-height:44px;padding:.5rem .9rem;border:2px solid var(--accent);border-radius:.4rem;background:var(--accent);color:var(--on-accent);text-decoration:none;display:inline-block;cursor:pointer}
        .grid{display:grid;gap:0 .4rem;position:relative;overflow-x:auto;border-top:1px solid var(--line)}
        .room{display:contents}
        .rh{font-size:1rem;margin:0;padding:.5rem .25rem;position:sticky;top:0;background:var(--bg);border-bottom:2px solid var(--line);z-index:2}
        .time{grid-column:1;font-variant-numeric:tabular-nums;color:var(--muted);font-size:.85rem;border-top:1px solid var(--line);padding-right:.25rem}
        .s{margin:1px 0;border-left:.4rem solid var(--c,var(--line));border-radius:.3rem;background:color-mix(in srgb,var(--c,#888) 14%,var(--block));overflow:hidden;min-height:2.75rem;z-index:1}
        :root[data-theme=dark] .s{background:color-mix(in srgb,var(--c,#888) 24%,var(--block))}
        .s a{display:block;height:100%;padding:.3rem .4rem;color:var(--fg);text-decoration:none}
        .s a:hover .sn{text-decoration:underline}
        .st{display:block;font-size:.8rem;font-variant-numeric:tabular-nums;color:var(--fg)}
        .sn{display:block;font-weight:600;overflow-wrap:anywhere}
        .sr{display:none}
        .cancelled .sn,.cancelled .st{text-decoration:line-through}
        .now{grid-column:2/-1;border-top:2px solid var(--now);z-index:3;pointer-events:none;height:0}
        .now span{background:var(--now);color:var(--bg);font-size:.75rem;font-weight:700;padding:0 .3rem;border-radius:.2rem;position:relative;top:-.7rem}
        .detail{display:none}
        .detail:target{display:block;position:fixed;inset:auto .75rem .75rem .75rem;max-width:40rem;max-height:80vh;overflow:auto;margin:0 auto;background:var(--bg);color:var(--fg);border:2px solid var(--fg);border-radius:.5rem;padding:1rem;z-index:10;box-shadow:0 .5rem 2rem rgba(0,0,0,.4)}
        .detail h3{margin:0 0 .5rem;font-size:1.2rem}
        .detail .actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:1rem}
        .detail .close{align-self:center}
        .empty{padding:1rem 0}
        textarea{width:100%;font:inherit;font-size:.9rem;padding:.5rem;border:2px solid var(--muted);border-radius:.4rem;background:var(--bg);color:var(--fg)}
        footer{margin-top:1rem}
        @media (max-width:40rem){
          .grid{display:block;border:0}
          .time,.now{display:none}
          .room{display:block;margin-bottom:1rem}
          .rh{border-bottom:2px solid var(--line)}
          .s{min-height:0;margin:.4rem 0}
          .sr{display:inline}
        }
        """;

    /// <summary>
    /// Keeps the page current without a reload: a HEAD of the calendar's .json feed with
    /// If-None-Match every minute (a 304 costs the server a version lookup); when the ETag
    /// changes, this page is fetched again and its grid, details and status swapped in. Moves
    /// the now-line every minute.
    /// </summary>
    public const string Script = """
        (function () {
          var main = document.getElementById("main");
          if (!main || !window.fetch) { return; }
          var poll = main.getAttribute("data-poll");
          var etag = null;
          function moveNow() {
            var grid = document.getElementById("grid");
            var line = document.getElementById("now");
            if (!grid || !line) { return; }
            var first = Number(grid.getAttribute("data-first"));
            var slot = Number(grid.getAttribute("data-slot")) * 60000;
            var slots = Number(grid.getAttribute("data-slots"));
            var i = Math.floor((Date.now() - first) / slot);
            line.hidden = i < 0 || i >= slots;
            if (!line.hidden) { line.style.gridRow = String(i + 2); }
          }
          function refresh() {
            return fetch(location.href, { headers: { Accept: "text/html" }, cache: "no-store" })
              .then(function (r) { return r.ok ? r.text() : null; })
              .then(function (html) {
                if (!html) { return; }
                var next = new DOMParser().parseFromString(html, "text/html");
                ["grid", "details", "status"].forEach(function (id) {
                  var mine = document.getElementById(id);
                  var theirs = next.getElementById(id);
                  if (mine && theirs) { mine.replaceWith(document.importNode(theirs, true)); }
                });
                main.setAttribute("data-refreshed", String(Date.now()));
                moveNow();
              });
          }
          var timer = null;
          function check() {
            clearTimeout(timer);
            var headers = etag ? { "If-None-Match": etag } : {};
            return fetch(poll, { method: "HEAD", headers: headers, cache: "no-store" })
              .then(function (r) {
                var seen = r.headers.get("ETag");
                if (r.status === 200 && seen) {
                  var changed = etag !== null && seen !== etag;
                  etag = seen;
                  if (changed) { return refresh(); }
                }
              })
              .catch(function () { })
              .then(function () { timer = setTimeout(check, 60000); });
          }
          main.addEventListener("schedule:check", check);
          check();
          moveNow();
          setInterval(moveNow, 60000);
        })();
        """;

    private static readonly string ScriptHash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Script)));

    /// <summary>The grid's policy: nothing but its own style and script, fetches to this origin, never framed.</summary>
    public static string ContentSecurityPolicy { get; } = Policy("'none'");

    /// <summary>The embed's policy: the same, but any site may frame it.</summary>
    public static string EmbedContentSecurityPolicy { get; } = Policy("*");

    private static string Policy(string frameAncestors) =>
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; "
        + $"script-src 'sha256-{ScriptHash}'; form-action 'self'; frame-ancestors {frameAncestors}; base-uri 'none'";
}
