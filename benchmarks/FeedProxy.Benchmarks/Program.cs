using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using FeedProxy.Benchmarks;
using FeedProxy.Formats.Feeds;

// Verbs:
//   export <dir> [sizes]        schedules as event JSON (docs/event-format.md) for the other renderers
//   render <dir> <size> <fmt>   write one feed to <dir> (to compare outputs by eye)
//   bdn <results.json> [--quick] BenchmarkDotNet run; medians and allocations to results.json
//   stopwatch [iterations]      plain Stopwatch medians per size and format (a cross-check)
//   breakdown [size]            what a cache miss costs besides the writer: hash, gzip, brotli
//   sources <results.json> [--quick]  parse cost of upstream documents (BenchmarkDotNet) and memory per parsed source
//   libraries [--quick]         our writers against Ical.Net and System.ServiceModel.Syndication
//   ics [--quick]               the 1,000-session .ics miss: reference tree path against the writer (BenchmarkDotNet)
//   loop [seconds|=renders]     the 1,000-session .ics writer in a loop, for a profiler; prints CPU time per render
//   split [seconds]             the CalDAV index's split of the 1,000-session .ics against its render, CPU per call
var verb = args.Length > 0 ? args[0] : "bdn";
int[] defaultSizes = [100, 1_000, 10_000];
switch (verb)
{
    case "export":
    {
        var dir = Directory.CreateDirectory(args[1]).FullName;
        var sizes = args.Length > 2 ? args[2].Split(',').Select(int.Parse).ToArray() : defaultSizes;
        foreach (var size in sizes)
        {
            var path = Path.Combine(dir, $"schedule-{size}.json");
            File.WriteAllBytes(path, ScheduleGenerator.ToJson(ScheduleGenerator.Generate(size, Documents.EventId(size))));
            Console.WriteLine(path);
        }

        return 0;
    }

    case "render":
    {
        var size = int.Parse(args[2], CultureInfo.InvariantCulture);
        FeedFormats.TryFromExtension(args[3], out var format);
        var path = Path.Combine(args[1], $"ours-{size}.{args[3]}");
        File.WriteAllBytes(path, FeedWriters.Render(Documents.For(size), format));
        Console.WriteLine(path);
        return 0;
    }

    case "breakdown":
        Stopwatches.Breakdown(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000);
        return 0;

    case "stopwatch":
        Stopwatches.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20);
        return 0;

    case "sources":
    {
        var output = args.Length > 1 ? args[1] : "source-results.json";
        var quick = args.Contains("--quick");
        SourceDocuments.Report(Console.Out);
        var job = InProcess.Job(quick, iterations: 10, quickIterations: 3);
        var config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator)
            .WithArtifactsPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, "BenchmarkDotNet.Artifacts"));
        var summary = BenchmarkRunner.Run<SourceBenchmarks>(config);
        var rows = new JsonArray();
        foreach (var report in summary.Reports)
        {
            if (report.ResultStatistics is { } stats)
            {
                rows.Add(new JsonObject
                {
                    ["document"] = (string)report.BenchmarkCase.Parameters["Document"],
                    ["median_ms"] = stats.Median / 1e6,
                    ["allocated_bytes"] = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase),
                });
            }
        }

        File.WriteAllText(output, rows.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {output}");
        return rows.Count == 3 ? 0 : 1;
    }

    case "libraries":
    {
        var quick = args.Contains("--quick");
        // Output sizes first: the libraries are given fewer properties than our writers emit.
        foreach (var size in new[] { 100, 1_000 })
        {
            var document = Documents.For(size);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{size,5} sessions, output bytes: ours ics {FeedWriters.Render(document, FeedFormat.ICalendar).Length:N0}, Ical.Net {LibraryComparisonBenchmarks.IcalNetRender(document).Length:N0}; " +
                $"ours rss {FeedWriters.Render(document, FeedFormat.Rss).Length:N0}, Syndication rss {LibraryComparisonBenchmarks.SyndicationRender(document, atom: false).Length:N0}; " +
                $"ours atom {FeedWriters.Render(document, FeedFormat.Atom).Length:N0}, Syndication atom {LibraryComparisonBenchmarks.SyndicationRender(document, atom: true).Length:N0}"));
        }

        var job = InProcess.Job(quick, iterations: 10, quickIterations: 5);
        var summary = BenchmarkRunner.Run<LibraryComparisonBenchmarks>(
            DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator));
        return summary.Reports.All(r => r.ResultStatistics is not null) ? 0 : 1;
    }

    case "loop":
    {
        // For a profiler (perf with DOTNET_PerfMapEnabled=1, dotnet-trace): the .ics writer in a
        // loop. The CPU time per render (GC included) suffers less from other load than wall time.
        var document = Documents.For(1_000);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4 << 20);
        var writer = FeedWriters.For(FeedFormat.ICalendar);
        for (var i = 0; i < 30; i++)
        {
            buffer.ResetWrittenCount();
            writer.Write(document, buffer);
        }

        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        // "loop 10" runs ten seconds; "loop =200" exactly 200 renders (for counting instructions
        // with perf stat: the difference of two counts cancels start-up).
        var limit = args.Length > 1 ? args[1] : "10";
        var renders = limit.StartsWith('=') ? int.Parse(limit[1..], CultureInfo.InvariantCulture) : int.MaxValue;
        var until = renders < int.MaxValue ? long.MaxValue : started + (long)(Stopwatch.Frequency * double.Parse(limit, CultureInfo.InvariantCulture));
        var count = 0;
        while (count < renders && Stopwatch.GetTimestamp() < until)
        {
            buffer.ResetWrittenCount();
            writer.Write(document, buffer);
            count++;
        }

        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count} renders: {cpu.TotalMilliseconds / count:F2} ms CPU and {Stopwatch.GetElapsedTime(started).TotalMilliseconds / count:F2} ms wall per render"));
        return 0;
    }

    case "split":
    {
        // The CalDAV index's work on a miss, beside the render it follows: CPU per call of the
        // .ics render (plain, and noting each VEVENT's span), the object split's plan (by
        // reading the rendered text, and from the noted spans), and the plan plus copying and
        // hashing every object (what the index does with it).
        var document = Documents.For(1_000);
        var writer = FeedWriters.For(FeedFormat.ICalendar);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4 << 20);
        writer.Write(document, buffer);
        var feed = buffer.WrittenMemory.ToArray();
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        double Cpu(Action action)
        {
            // Past tiered compilation's promotion (30 calls, then a background recompile), so
            // the one measured first is not the one still running unoptimised code.
            for (var i = 0; i < 60; i++)
            {
                action();
            }

            Thread.Sleep(200);
            var process = Process.GetCurrentProcess();
            var before = process.TotalProcessorTime;
            var until = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * seconds);
            var count = 0;
            while (Stopwatch.GetTimestamp() < until)
            {
                action();
                count++;
            }

            process.Refresh();
            return (process.TotalProcessorTime - before).TotalMilliseconds / count;
        }

        var render = Cpu(() => { buffer.ResetWrittenCount(); writer.Write(document, buffer); });
        var recording = Cpu(() => { buffer.ResetWrittenCount(); FeedProxy.Formats.ICalendar.ICalendarWriter.WriteRecording(document, buffer); });
        buffer.ResetWrittenCount();
        var spans = FeedProxy.Formats.ICalendar.ICalendarWriter.WriteRecording(document, buffer);
        var plan = Cpu(() => FeedProxy.Formats.ICalendar.CalendarObjectSplitter.Plan(feed));
        var recorded = Cpu(() => FeedProxy.Formats.ICalendar.CalendarObjectSplitter.Plan(feed, spans));
        var copyHash = Cpu(() =>
        {
            var layout = FeedProxy.Formats.ICalendar.CalendarObjectSplitter.Plan(feed);
            var target = new byte[layout.Objects.Sum(o => o.Length)];
            var at = 0;
            foreach (var item in layout.Objects)
            {
                item.CopyTo(feed, target.AsSpan(at, item.Length));
                System.Security.Cryptography.SHA256.HashData(target.AsSpan(at, item.Length));
                at += item.Length;
            }
        });
        var layoutOnce = FeedProxy.Formats.ICalendar.CalendarObjectSplitter.Plan(feed, spans);
        var reused = new byte[layoutOnce.Objects.Sum(o => o.Length)];
        var copyOnly = Cpu(() =>
        {
            var at = 0;
            foreach (var item in layoutOnce.Objects)
            {
                item.CopyTo(feed, reused.AsSpan(at, item.Length));
                at += item.Length;
            }
        });
        var hashOnly = Cpu(() =>
        {
            var at = 0;
            Span<byte> digest = stackalloc byte[32];
            foreach (var item in layoutOnce.Objects)
            {
                System.Security.Cryptography.SHA256.HashData(reused.AsSpan(at, item.Length), digest);
                at += item.Length;
            }
        });
        var allocate = Cpu(() => GC.KeepAlive(new byte[reused.Length]));
        var hash = Cpu(() => System.Security.Cryptography.SHA256.HashData(feed));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CPU ms per call: render {render:F2}, render noting the VEVENTs' spans {recording:F2}, plan by reading {plan:F2}, plan from the spans {recorded:F2}, plan+copy+hash {copyHash:F2} (copy alone {copyOnly:F2}, SHA-256 per object alone {hashOnly:F2}, a new {reused.Length:N0} B array {allocate:F2}), SHA-256 of the feed {hash:F2} ({feed.Length:N0} B)"));
        return 0;
    }

    case "ics":
    {
        var quick = args.Contains("--quick");
        var job = InProcess.Job(quick, iterations: 15, quickIterations: 5);
        var reference = new System.Buffers.ArrayBufferWriter<byte>(4 << 20);
        FeedProxy.Formats.ICalendar.ICalendarReference.Write(Documents.For(1_000), reference);
        var identical = reference.WrittenSpan.SequenceEqual(FeedWriters.Render(Documents.For(1_000), FeedFormat.ICalendar));
        Console.WriteLine($"1,000 sessions: {reference.WrittenCount:N0} bytes; writer output identical to the reference: {identical}");
        var summary = BenchmarkRunner.Run<IcsRenderBenchmarks>(
            DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator));
        return identical && summary.Reports.All(r => r.ResultStatistics is not null) ? 0 : 1;
    }

    case "bdn":
    {
        var output = args.Length > 1 ? args[1] : "render-results.json";
        var quick = args.Contains("--quick");
        var job = InProcess.Job(quick, iterations: 10, quickIterations: 3);
        var config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator)
            .WithArtifactsPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, "BenchmarkDotNet.Artifacts"));
        var summary = BenchmarkRunner.Run<RenderBenchmarks>(config);
        var rows = new JsonArray();
        foreach (var report in summary.Reports)
        {
            if (report.ResultStatistics is not { } stats)
            {
                continue;
            }

            var parameters = report.BenchmarkCase.Parameters;
            var size = (int)parameters["Sessions"];
            var format = (string)parameters["Format"];
            FeedFormats.TryFromExtension(format, out var f);
            rows.Add(new JsonObject
            {
                ["sessions"] = size,
                ["format"] = format,
                ["median_ms"] = stats.Median / 1e6,
                ["mean_ms"] = stats.Mean / 1e6,
                ["stddev_ms"] = stats.StandardDeviation / 1e6,
                ["allocated_bytes"] = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase),
                ["output_bytes"] = FeedWriters.Render(Documents.For(size), f).Length,
            });
        }

        File.WriteAllText(output, rows.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {output}");
        return rows.Count == 15 ? 0 : 1;
    }

    default:
        Console.Error.WriteLine($"unknown verb '{verb}'");
        return 2;
}

/// <summary>
/// The one BenchmarkDotNet job of every verb: in-process (no separate build of a generated
/// project: the package source is partial and the machine small; one process, one JIT, the
/// numbers are still BenchmarkDotNet's statistics), one launch, 3 warm-ups (1 with --quick).
/// </summary>
internal static class InProcess
{
    public static Job Job(bool quick, int iterations, int quickIterations) => BenchmarkDotNet.Jobs.Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithWarmupCount(quick ? 1 : 3)
        .WithIterationCount(quick ? quickIterations : iterations)
        .WithLaunchCount(1);
}

/// <summary>Stopwatch medians, independent of BenchmarkDotNet.</summary>
internal static class Stopwatches
{
    public static void Run(int iterations)
    {
        foreach (var size in new[] { 100, 1_000, 10_000 })
        {
            var document = Documents.For(size);
            foreach (var format in FeedFormats.All)
            {
                var buffer = new System.Buffers.ArrayBufferWriter<byte>(1 << 20);
                var writer = FeedWriters.For(format);
                var times = new double[iterations];
                for (var i = -3; i < iterations; i++)
                {
                    buffer.ResetWrittenCount();
                    var started = Stopwatch.GetTimestamp();
                    writer.Write(document, buffer);
                    if (i >= 0)
                    {
                        times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    }
                }

                Array.Sort(times);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size,6} {format.Extension(),-5} median {times[iterations / 2],9:F3} ms  {buffer.WrittenCount,10:N0} bytes"));
            }
        }
    }

    /// <summary>
    /// The steps of a server-side render of one .ics (FeedRenderer: write, SHA-256 for the
    /// ETag, gzip and brotli precompression), each timed alone, with the compression levels
    /// the server could choose instead.
    /// </summary>
    public static void Breakdown(int size)
    {
        var document = Documents.For(size);
        var identity = FeedWriters.Render(document, FeedFormat.ICalendar);
        if (Environment.GetEnvironmentVariable("BREAKDOWN_WRITE") is { Length: > 0 } path)
        {
            // The same bytes for an external reference (gzip -9, brotli) to compress.
            File.WriteAllBytes(path, identity);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size} sessions, .ics {identity.Length:N0} bytes; medians of 15 runs after 3 warm-up runs"));
        Time("write (ICalendarWriter)", () => FeedWriters.Render(document, FeedFormat.ICalendar).Length);
        Time("SHA-256 of the body", () => System.Security.Cryptography.SHA256.HashData(identity).Length);
        foreach (var level in new[] { System.IO.Compression.CompressionLevel.Optimal, System.IO.Compression.CompressionLevel.Fastest })
        {
            Time($"gzip {level}", () => Compress(identity, s => new System.IO.Compression.GZipStream(s, level, leaveOpen: true)));
            Time($"brotli {level}", () => Compress(identity, s => new System.IO.Compression.BrotliStream(s, level, leaveOpen: true)));
        }

        foreach (var zlibLevel in new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 })
        {
            Time($"gzip level {zlibLevel}", () => Compress(identity, s => new System.IO.Compression.GZipStream(s, new System.IO.Compression.ZLibCompressionOptions { CompressionLevel = zlibLevel }, leaveOpen: true)));
        }

        foreach (var quality in new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 })
        {
            Time($"brotli quality {quality}", () => Compress(identity, s => new System.IO.Compression.BrotliStream(s, new System.IO.Compression.BrotliCompressionOptions { Quality = quality }, leaveOpen: true)));
        }
    }

    private static int Compress(byte[] input, Func<Stream, Stream> create)
    {
        using var target = new MemoryStream(input.Length / 4);
        using (var compressor = create(target))
        {
            compressor.Write(input);
        }

        return (int)target.Length;
    }

    private static void Time(string name, Func<int> action)
    {
        var times = new double[15];
        var result = 0;
        var cpu = TimeSpan.Zero;
        for (var i = -3; i < times.Length; i++)
        {
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            result = action();
            if (i >= 0)
            {
                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            }
        }

        // CPU time (this process, all threads) suffers less from other load on the machine than wall time.
        Array.Sort(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-28} {times[times.Length / 2],9:F2} ms  CPU {cpu.TotalMilliseconds / times.Length,9:F2} ms   -> {result,10:N0}"));
    }
}
