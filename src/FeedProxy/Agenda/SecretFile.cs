namespace FeedProxy.Agenda;

/// <summary>Writes small secret files readable by the owner only, replacing them atomically.</summary>
internal static class SecretFile
{
    public static void WriteAtomically(string path, string contents)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(contents);
        }

        File.Move(temp, path, overwrite: true);
    }
}
