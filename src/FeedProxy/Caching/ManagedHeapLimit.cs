namespace FeedProxy.Caching;

/// <summary>
/// Sets the garbage collector's heap hard limit from the cache budget at start, so that the
/// process's memory follows from configuration. Without a limit the collector sizes its
/// budgets from what survives: with a large cache of rendered feeds churning under a flood of
/// distinct URLs it let dead feeds (large-object-heap arrays, collected only in full
/// collections) pile up to as much again as the cache itself before collecting. Near the limit
/// it collects and compacts instead of growing. The limit is
/// <c>CacheLimitFactor × MemoryLimitMegabytes + HeapHeadroomMegabytes</c> (measurements and
/// the derivation in docs/security.md), never above the limit the runtime derived itself (75%
/// of a container's memory) and never set when the operator chose one (DOTNET_GCHeapHardLimit
/// and friends, or runtimeconfig).
/// </summary>
internal static partial class ManagedHeapLimit
{
    /// <summary>What the cache's budget is multiplied by: entries are counted at their true size, the rest is room for the collector to work in.</summary>
    internal const double CacheLimitFactor = 1.25;

    private static readonly string[] OperatorSettings =
    [
        "GCHeapHardLimit", "GCHeapHardLimitPercent", "GCHeapHardLimitSOH", "GCHeapHardLimitLOH", "GCHeapHardLimitPOH",
    ];

    /// <summary>The limit in bytes for a cache budget and headroom (both bytes); null when the headroom is 0 or less (no limit).</summary>
    public static long? For(long cacheBytes, long headroomBytes) =>
        headroomBytes <= 0 ? null : (long)(CacheLimitFactor * cacheBytes) + headroomBytes;

    /// <summary>Applies the limit for the configured cache; once, at start, before the server runs. Returns the limit set, or null.</summary>
    public static long? Apply(CachingOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (OperatorChoseLimit())
        {
            LogOperatorLimit(logger, available / (1024 * 1024));
            return null;
        }

        if (For(Math.Max(1, options.MemoryLimitMegabytes) * 1024L * 1024, options.HeapHeadroomMegabytes * 1024L * 1024) is not { } limit)
        {
            return null;
        }

        // The runtime's own limit (a container's, or the machine's memory) when that is lower.
        limit = Math.Min(limit, available);
        try
        {
            AppContext.SetData("GCHeapHardLimit", (ulong)limit);
            GC.RefreshMemoryLimit();
        }
        catch (InvalidOperationException ex)
        {
            // Thrown when the heap already holds more than the limit: then the limit is wrong for this data.
            LogNotApplied(logger, limit / (1024 * 1024), ex.Message);
            return null;
        }

        LogApplied(logger, limit / (1024 * 1024), CacheLimitFactor, options.MemoryLimitMegabytes, options.HeapHeadroomMegabytes);
        return limit;
    }

    private static bool OperatorChoseLimit() =>
        OperatorSettings.Any(name =>
            AppContext.GetData("System.GC." + name.Replace("GC", string.Empty, StringComparison.Ordinal)) is not null
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_" + name))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("COMPlus_" + name)));

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Managed heap limited to {LimitMegabytes} MB ({Factor} x cache of {CacheMegabytes} MB + {HeadroomMegabytes} MB headroom)")]
    private static partial void LogApplied(ILogger logger, long limitMegabytes, double factor, int cacheMegabytes, int headroomMegabytes);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Managed heap limit set by the runtime configuration ({LimitMegabytes} MB); FeedProxy__Caching__HeapHeadroomMegabytes is not applied")]
    private static partial void LogOperatorLimit(ILogger logger, long limitMegabytes);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Managed heap limit of {LimitMegabytes} MB not applied: {Reason}")]
    private static partial void LogNotApplied(ILogger logger, long limitMegabytes, string reason);
}
