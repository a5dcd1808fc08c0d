namespace FeedProxy.Testing;

/// <summary>
/// Paths of the checkout the tests run from, found by walking up from the test binaries to
/// the folder holding FeedProxy.sln, so tests read (and golden updates write) the committed
/// files rather than copies in bin/. Compiled into every test project (tests/Directory.Build.props).
/// </summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The repository root.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>config/events/demo.json.</summary>
    public static string DemoEvent => Path.Combine(Root, "config", "events", "demo.json");

    /// <summary>
    /// The real schedules beside the repository (../shared/data), or null when absent: tests
    /// that need them say so and skip. Their content is third-party and never committed.
    /// </summary>
    public static string? SharedData
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));
            return Directory.Exists(path) ? path : null;
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FeedProxy.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No FeedProxy.sln above {AppContext.BaseDirectory}.");
    }
}
