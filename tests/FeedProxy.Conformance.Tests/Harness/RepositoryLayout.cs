namespace FeedProxy.Conformance.Tests.Harness;

/// <summary>
/// Paths computed from the repository, found by walking up from the test assembly to the
/// folder holding FeedProxy.sln; nothing here depends on where the checkout lives.
/// </summary>
internal static class RepositoryLayout
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    /// <summary>tests/conformance: the validator scripts and their npm packages.</summary>
    public static string ValidatorDirectory => Path.Combine(Root, "tests", "conformance");

    public static string DemoEventFile => Path.Combine(Root, "config", "events", "demo.json");

    /// <summary>The shared folder of real schedules beside the repository, or null when absent.</summary>
    public static string? SharedDataDirectory
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
