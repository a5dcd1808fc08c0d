using System.Diagnostics;
using System.Text;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Cli;

/// <summary>
/// The server started as a script starts a background job (SIGINT inherited as ignored, which
/// is what shells without job control do) still shuts down gracefully on SIGINT.
/// </summary>
public sealed class ServerSignalTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("feedproxy-signal-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task SigInt_StopsTheServer_EvenWhenInheritedAsIgnored()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Directory.CreateDirectory(Path.Combine(_root, "events"));
        File.WriteAllText(Path.Combine(_root, "events", "testconf.json"), TestEvents.Conference());
        // `trap '' INT` is how the shell marks SIGINT ignored for a background job; exec keeps it.
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _root };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("trap '' INT; exec dotnet \"$0\" --urls=http://127.0.0.1:0");
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.Environment.Remove("ConnectionStrings__Postgres");
        start.Environment.Remove("ConnectionStrings__Redis");
        start.Environment["FeedProxy__EventsPath"] = Path.Combine(_root, "events");
        start.Environment["FeedProxy__StatePath"] = Path.Combine(_root, "state");
        using var server = Process.Start(start)!;
        var output = new StringBuilder();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Contains("Application started", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            await started.Task.WaitAsync(Eventually.Deadline);

            using (var kill = Process.Start("kill", ["-INT", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(Eventually.Deadline);
            await server.WaitForExitAsync(timeout.Token);
            lock (output)
            {
                Assert.Contains("Application is shutting down", output.ToString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }
        }
    }
}
