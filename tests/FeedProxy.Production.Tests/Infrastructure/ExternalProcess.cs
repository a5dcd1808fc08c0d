using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FeedProxy.Production.Tests.Infrastructure;

/// <summary>Runs the server binaries the fixtures need.</summary>
internal static class ExternalProcess
{
    public const string InstallHint = "Run scripts/install-test-deps.sh to install PostgreSQL 15 and redis-server.";

    public static bool IsRoot => string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

    /// <summary>Runs a command to completion (as <paramref name="user"/> when given and we are root); throws with its output on failure.</summary>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, string? user = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (user is not null && IsRoot)
        {
            start.FileName = "runuser";
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(user);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(fileName);
        }
        else
        {
            start.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        var output = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}");
        }

        return output;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    public static void RequireFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} not found. {InstallHint}");
        }
    }

    public static string RequireOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{name} not found on PATH. {InstallHint}");
    }
}
