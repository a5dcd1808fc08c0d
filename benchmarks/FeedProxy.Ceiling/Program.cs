using System.Globalization;
using FeedProxy.Ceiling;

// Usage: FeedProxy.Ceiling <capture-dir> <url>
// The capture folder holds, per path, the body and the response headers FeedProxy sent
// (see scripts/bench/hot-path.sh): "<name>" + "<name>.headers" for identity and
// "<name>.gz" + "<name>.gz.headers" for gzip.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: FeedProxy.Ceiling <capture-dir> <url>");
    return 2;
}

var feeds = CapturedFeeds.Load(args[0]);
var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
builder.WebHost.UseKestrelCore().UseUrls(args[1]);
FeedProxy.FastPath.KestrelSettings.Apply(builder.Services);
var app = builder.Build();
app.Run(context => feeds.ServeAsync(context));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ceiling: {feeds.Count} feeds on {args[1]}"));
await app.RunAsync();
return 0;
