using System.Security.Cryptography;
using System.Text;

namespace FeedProxy.Pages;

/// <summary>
/// The page's only style and script, inline (no external requests), and the
/// Content-Security-Policy that allows exactly them: the script by its hash (CSP Level 2
/// hash-source), styles inline (track colour swatches are style attributes).
/// </summary>
internal static class PageAssets
{
    // Colours: text #1b1b1b and links/buttons #0a4f96 on white are above 7:1 (WCAG AAA);
    // muted text #4a4a4a is 8.9:1. Focus is a 3px outline that never depends on colour alone.
    public const string Css = """
        *,*::before,*::after{box-sizing:border-box}
        html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:#1b1b1b;background:#fff;-webkit-text-size-adjust:100%}
        body{margin:0}
        main{max-width:60rem;margin:0 auto;padding:1rem}
        h1{font-size:1.75rem;line-height:1.2;margin:.5rem 0}
        h2{font-size:1.3rem;margin:2rem 0 .5rem;border-top:1px solid #ccc;padding-top:1rem}
        h3{font-size:1.05rem;margin:1.25rem 0 .25rem}
        a{color:#0a4f96}
        a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #1b1b1b;outline-offset:2px;box-shadow:0 0 0 5px #fff}
        .meta{color:#4a4a4a;margin:.25rem 0}
        .skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
        .skip:focus{left:.5rem}
        .vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        .actions{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.5rem}
        .button,button{display:inline-block;font:inherit;font-weight:600;text-decoration:none;color:#fff;background:#0a4f96;border:2px solid #0a4f96;border-radius:.4rem;padding:.55rem .9rem;min-height:44px;cursor:pointer}
        .button.secondary{color:#0a4f96;background:#fff}
        .button:hover,button:hover{background:#083d74;border-color:#083d74;color:#fff}
        .copy{display:flex;gap:.5rem;align-items:stretch;margin:.25rem 0 1rem}
        .copy input{flex:1;min-width:0;font:inherit;font-size:.9rem;padding:.5rem;border:2px solid #595959;border-radius:.4rem;background:#f7f7f7;color:#1b1b1b}
        .note{color:#4a4a4a;font-size:.95rem}
        .tracks{list-style:none;padding:0;margin:0}
        .tracks li{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;padding:.5rem 0;border-bottom:1px solid #e3e3e3}
        .tracks .name{flex:1 1 10rem}
        .tracks .links{display:flex;align-items:center;gap:.75rem;white-space:nowrap}
        .swatch{display:inline-block;width:.9rem;height:.9rem;border-radius:50%;margin-right:.4rem;vertical-align:-.1rem;border:1px solid #1b1b1b}
        fieldset{border:1px solid #bbb;border-radius:.4rem;margin:0 0 1rem;padding:.5rem 1rem}
        legend{font-weight:600;padding:0 .25rem}
        .choices{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.25rem 1rem}
        .choices label,.session label,.session .entry{display:flex;gap:.5rem;align-items:flex-start;padding:.3rem 0}
        .choices.scroll{max-height:18rem;overflow-y:auto;border:1px solid #e3e3e3;border-radius:.4rem;padding:0 .5rem}
        input[type=checkbox]{width:1.25rem;height:1.25rem;margin:.15rem 0 0;flex:none;accent-color:#0a4f96}
        select{font:inherit;width:100%;max-width:30rem;padding:.25rem;border:2px solid #595959;border-radius:.4rem}
        .sessions{list-style:none;padding:0;margin:0}
        .session{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.25rem 1rem;border-bottom:1px solid #e3e3e3;padding:.25rem 0}
        .session label,.session .entry{flex:1 1 20rem}
        .session .time{font-variant-numeric:tabular-nums;font-weight:600;white-space:nowrap}
        .session .where{display:block;color:#4a4a4a;font-size:.95rem}
        .session .cancelled{text-decoration:line-through}
        .formats{padding:0;list-style:none}
        .formats li{padding:.35rem 0;border-bottom:1px solid #e3e3e3;overflow-wrap:anywhere}
        .formats .label{display:block;font-weight:600}
        .qr{margin:0}
        .qr svg{width:100%;max-width:12rem;height:auto;display:block;border:1px solid #ccc}
        .subscribe-grid{display:grid;gap:0 2rem}
        @media (min-width:48rem){.subscribe-grid{grid-template-columns:minmax(0,1fr) 13rem}#qr h3{margin-top:.5rem}}
        .hint{border:2px solid #8a5a00;background:#fff8e6;padding:.5rem 1rem;border-radius:.4rem}
        code{font-size:.9em;overflow-wrap:anywhere}
        .days ul{list-style:none;padding:0;margin:.5rem 0 1rem;display:flex;flex-wrap:wrap;gap:.5rem}
        .days a{display:inline-block;min-height:44px;padding:.55rem .8rem;border:2px solid #0a4f96;border-radius:.4rem;text-decoration:none;font-weight:600}
        details.day{border-top:1px solid #ccc}
        details.day summary{cursor:pointer;padding:.5rem 0}
        details.day summary h3{display:inline;margin:0}
        .error{border:2px solid #a00000;padding:.5rem 1rem;border-radius:.4rem}
        @media (max-width:30rem){.actions .button{display:block;width:100%;text-align:center}.actions li{flex:1 1 100%}}
        """;

    /// <summary>Progressive enhancement: shows the copy buttons and copies on click. The page works without it.</summary>
    public const string Script = """
        document.querySelectorAll("button[data-copy]").forEach(function (b) {
          var input = document.getElementById(b.getAttribute("data-copy"));
          if (!input || !navigator.clipboard) { return; }
          b.hidden = false;
          b.addEventListener("click", function () {
            input.select();
            navigator.clipboard.writeText(input.value).then(function () { b.textContent = "Copied"; });
          });
        });
        document.querySelectorAll("input[readonly]").forEach(function (i) {
          i.addEventListener("focus", function () { i.select(); });
        });
        function openTarget() {
          var t = location.hash && document.getElementById(location.hash.slice(1));
          if (t && t.tagName === "DETAILS") { t.open = true; t.scrollIntoView(); }
        }
        window.addEventListener("hashchange", openTarget);
        openTarget();
        """;

    public static string ContentSecurityPolicy { get; } =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        + $"script-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Script)))}'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
}
