using System.Diagnostics;

namespace FeedProxy.Testing;

/// <summary>
/// A real client program (python-caldav, vdirsyncer, khal) run by a test: its standard output
/// is read line by line as the program reports, its input takes the test's "go on" signals.
/// Killed (with its children) when disposed.
/// </summary>
internal sealed class ClientProcess : IDisposable
{
    // A safety net against a hung client, not a performance bound.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly Process _process;
    private readonly System.Text.StringBuilder _errors = new();

    private ClientProcess(Process process)
    {
        _process = process;
    }

    public static ClientProcess Start(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start");
        var client = new ClientProcess(process);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (client._errors)
            {
                client._errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        return client;
    }

    /// <summary>Runs a program to its end with <paramref name="input"/> as its standard input; returns its exit code and output (errors appended).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, string input = "", IDictionary<string, string>? environment = null)
    {
        using var client = Start(fileName, arguments, environment);
        await client._process.StandardInput.WriteAsync(input);
        client._process.StandardInput.Close();
        var (exitCode, output) = await client.CompleteAsync();
        return (exitCode, output + client.Errors);
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>The next line the program prints; fails with its error output when it ends first.</summary>
    public async Task<string> ReadLineAsync()
    {
        var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(Patience);
        if (line is null)
        {
            await _process.WaitForExitAsync().WaitAsync(Patience);
            throw new InvalidOperationException($"The client ended (exit code {_process.ExitCode}) without output:\n{Errors}");
        }

        return line;
    }

    public async Task SignalAsync()
    {
        await _process.StandardInput.WriteLineAsync("go");
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the program to end and returns its standard output.</summary>
    public async Task<(int ExitCode, string Output)> CompleteAsync()
    {
        var output = await _process.StandardOutput.ReadToEndAsync().WaitAsync(Patience);
        await _process.WaitForExitAsync().WaitAsync(Patience);
        return (_process.ExitCode, output);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
