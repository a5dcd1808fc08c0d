using System.Runtime.InteropServices;

namespace FeedProxy;

/// <summary>
/// Lets SIGINT stop the process even when it was started in the background of a
/// non-interactive shell. POSIX shells without job control start background commands with
/// SIGINT ignored, and .NET deliberately keeps an inherited SIG_IGN: its native signal layer
/// installs no handler for an ignored signal, so neither Ctrl+C handling nor the host's
/// PosixSignalRegistration ever sees it, and <c>kill -INT</c> does nothing. A server has no
/// reason to inherit that, so it restores the default disposition before .NET's signal
/// handling starts (the first use of Console, Process or PosixSignalRegistration); the host's
/// own SIGINT handler then shuts down gracefully, as in the foreground.
/// </summary>
internal static class InterruptSignal
{
    private const int SigInt = 2; // the same number on Linux and macOS
    private static readonly nint SigDfl = 0;

    public static void RestoreDefault()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            _ = Signal(SigInt, SigDfl);
        }
    }

    // DllImport rather than LibraryImport: blittable arguments need no marshalling code, and
    // LibraryImport would need unsafe code enabled for the whole project.
    [DllImport("libc", EntryPoint = "signal")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint Signal(int signal, nint handler);
}
