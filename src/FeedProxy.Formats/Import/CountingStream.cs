using FeedProxy.Formats.Text;

namespace FeedProxy.Formats.Import;

/// <summary>Read-only pass-through that counts bytes and refuses to deliver more than a budget.</summary>
internal sealed class CountingStream(Stream inner, long budget, string overBudget) : ReadObserverStream(inner)
{
    protected override void Observe(ReadOnlySpan<byte> block)
    {
        if (BytesRead > budget)
        {
            throw new ImportException(overBudget);
        }
    }
}
