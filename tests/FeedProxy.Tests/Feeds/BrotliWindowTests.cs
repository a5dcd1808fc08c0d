using System.IO.Compression;
using FeedProxy.Feeds;
using NodaTime;

namespace FeedProxy.Tests.Feeds;

public sealed class BrotliWindowTests
{
    [Theory]
    [InlineData(0, 10)]
    [InlineData(1_008, 10)]
    [InlineData(1_009, 11)]
    [InlineData(175_471, 18)]
    [InlineData(262_128, 18)]
    [InlineData(262_129, 19)]
    [InlineData(50_000_000, 22)]
    public void TheWindow_IsTheSmallestThatHoldsTheInput(int length, int window) =>
        Assert.Equal(window, FeedRenderer.BrotliWindow(length));

    [Theory]
    [InlineData(700)]
    [InlineData(40_000)]
    [InlineData(600_000)]
    public void BodiesMadeWithTheFittedWindow_DecodeToTheIdentityBytes_AtBothLevels(int lines)
    {
        // Repeats far apart (the same line every 997 lines) need the whole window to be found.
        var body = System.Text.Encoding.ASCII.GetBytes(string.Join("\r\n", Enumerable.Range(0, lines).Select(i => $"DESCRIPTION:Session {i % 997} in room {i % 13}")));
        var partial = new RenderedFeed(body, default, default, "hash", Instant.FromUnixTimeSeconds(0), codingsPending: true);
        var fast = FeedRenderer.With(partial, ContentCoding.Brotli);
        var best = FeedRenderer.Complete(partial);

        foreach (var coded in new[] { fast.Brotli, best.Brotli })
        {
            using var input = new MemoryStream(coded.ToArray());
            using var decoder = new BrotliStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            decoder.CopyTo(output);
            Assert.Equal(body, output.ToArray());
        }

        Assert.True(best.Brotli.Length < body.Length / 10, $"{best.Brotli.Length} of {body.Length}");
    }
}
