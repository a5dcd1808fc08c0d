using System.Text;

namespace FeedProxy.Formats.Tests.ICalendar;

/// <summary>
/// Byte-for-byte comparison with files under tests/FeedProxy.Formats.Tests/Golden, read from
/// the source tree (found by walking up to FeedProxy.sln) so that FEEDPROXY_UPDATE_GOLDEN=1
/// rewrites the files in the repository, not in bin/.
/// </summary>
internal static class GoldenFile
{
    public const string UpdateVariable = "FEEDPROXY_UPDATE_GOLDEN";

    public static void AssertMatches(string fileName, byte[] actual)
    {
        var path = Path.Combine(RepositoryRoot(), "tests", "FeedProxy.Formats.Tests", "Golden", fileName);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllBytes(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Golden file {fileName} is missing; run the tests with {UpdateVariable}=1 to create it.");
        var expected = File.ReadAllBytes(path);
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            // Text comparison first: xunit then shows where the difference is.
            Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
            Assert.Equal(expected, actual);
        }
    }

    public static string RepositoryRoot() => FeedProxy.Testing.RepositoryPaths.Root;
}
