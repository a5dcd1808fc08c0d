using System.Diagnostics;
using FeedProxy.Testing;

namespace FeedProxy.Production.Tests.Infrastructure;

/// <summary>
/// A redis-server child process on a fixed free port with persistence off, in a temporary
/// folder. Can be stopped (killed, as in a crash) and started again on the same port.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _binary;
    private readonly DirectoryInfo _root;
    private Process? _process;

    private RedisServer(string binary, DirectoryInfo root, int port)
    {
        _binary = binary;
        _root = root;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var binary = ExternalProcess.RequireOnPath("redis-server");
        var server = new RedisServer(binary, Directory.CreateTempSubdirectory("feedproxy-redis-"), ExternalProcess.FreePort());
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts redis-server on <see cref="Port"/> (again) and waits until it accepts connections.</summary>
    public async Task RestartAsync()
    {
        var start = new ProcessStartInfo { FileName = _binary, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", _root.FullName,
            "--logfile", Path.Combine(_root.FullName, "redis.log"), "--daemonize", "no",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server.");
        await ExternalProcess.WaitForPortAsync(Port, Eventually.Deadline);
    }

    /// <summary>Kills the server, as a crash or an outage would.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _root.Delete(recursive: true);
    }
}
