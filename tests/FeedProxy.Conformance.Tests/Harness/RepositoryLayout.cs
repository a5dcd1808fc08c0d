namespace FeedProxy.Conformance.Tests.Harness;

/// <summary>
/// Paths computed from the repository, found by walking up from the test assembly to the
/// folder holding FeedProxy.sln; nothing here depends on where the checkout lives.
/// </summary>
internal static class RepositoryLayout
{
    public static string Root => FeedProxy.Testing.RepositoryPaths.Root;

    /// <summary>tests/conformance: the validator scripts and their npm packages.</summary>
    public static string ValidatorDirectory => Path.Combine(Root, "tests", "conformance");

    public static string DemoEventFile => FeedProxy.Testing.RepositoryPaths.DemoEvent;

    /// <summary>The shared folder of real schedules beside the repository, or null when absent.</summary>
    public static string? SharedDataDirectory => FeedProxy.Testing.RepositoryPaths.SharedData;
}
