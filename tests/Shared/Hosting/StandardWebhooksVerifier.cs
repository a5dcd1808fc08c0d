using System.Diagnostics;
using System.Text.Json;

namespace FeedProxy.Testing;

/// <summary>
/// Verifies received webhook deliveries with the Standard Webhooks reference library (npm
/// "standardwebhooks" 1.3.0 in tests/conformance, installed by scripts/install-test-deps.sh)
/// through tests/conformance/verify_webhook.mjs. Returns one line per delivery: "ok {type}"
/// or "invalid {reason}".
/// </summary>
internal static class StandardWebhooksVerifier
{
    public static async Task<IReadOnlyList<string>> VerifyAsync(string secret, IEnumerable<CallbackRequest> deliveries)
    {
        var directory = Path.Combine(RepositoryPaths.Root, "tests", "conformance");
        Assert.True(File.Exists(Path.Combine(directory, "node_modules", "standardwebhooks", "package.json")),
            "standardwebhooks is not installed in tests/conformance/node_modules: run scripts/install-test-deps.sh");
        var input = JsonSerializer.Serialize(new
        {
            secret,
            deliveries = deliveries.Select(d => new
            {
                headers = new Dictionary<string, string>
                {
                    ["webhook-id"] = d.Headers["webhook-id"],
                    ["webhook-timestamp"] = d.Headers["webhook-timestamp"],
                    ["webhook-signature"] = d.Headers["webhook-signature"],
                },
                body = d.Text,
            }),
        });
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add(Path.Combine(directory, "verify_webhook.mjs"));
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length > 0, "verify_webhook.mjs printed nothing: " + await errors);
        return lines;
    }
}
