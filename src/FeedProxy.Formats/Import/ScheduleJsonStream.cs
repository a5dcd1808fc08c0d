using System.Buffers;
using System.Text.Json;

namespace FeedProxy.Formats.Import;

/// <summary>Where one event of a schedule JSON document sits: in <c>days[Day].rooms[Room]</c> (version 1) or in <c>events</c> (version 2).</summary>
internal readonly record struct ScheduleItem(bool Wrapped, bool IsVersion2, int Day, string? Room, int Index, long Offset);

/// <summary>
/// Reads schedule JSON in pieces, so a document of tens of MB is never held whole: a first
/// pass writes its skeleton (everything except the events of <c>days[].rooms{}</c> and
/// <c>events[]</c>, which become empty arrays) for the header logic to read as a small
/// <see cref="JsonDocument"/>; a second pass hands over the events one at a time, each parsed
/// on its own. Memory is the skeleton, one event and a read buffer that grows only to the
/// largest single event. The input must be seekable (read twice).
/// </summary>
internal static class ScheduleJsonStream
{
    private const int FirstBufferSize = 64 * 1024;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    /// <summary>The document without its events, and where its events are.</summary>
    public static (JsonDocument Skeleton, ItemSpread Items) Skeleton(Stream input, long origin)
    {
        var output = new ArrayBufferWriter<byte>(16 * 1024);
        var items = new ItemSpread();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true }))
        {
            Walk(input, origin, writer, (item, _) => items.Saw(item), parse: false);
        }

        try
        {
            return (JsonDocument.Parse(output.WrittenMemory, new JsonDocumentOptions { MaxDepth = 64 }), items);
        }
        catch (JsonException e)
        {
            throw JsonRead.Invalid(e);
        }
    }

    /// <summary>Every event in document order, each parsed on its own (the element is valid only during the call).</summary>
    public static void Items(Stream input, long origin, Action<ScheduleItem, JsonElement> item) => Walk(input, origin, null, item, parse: true);

    private static void Walk(Stream input, long origin, Utf8JsonWriter? skeleton, Action<ScheduleItem, JsonElement> item, bool parse)
    {
        // A UTF-8 byte order mark is skipped, as JsonDocument does (RFC 8259 §8.1 allows a parser to).
        input.Position = origin;
        Span<byte> bom = stackalloc byte[3];
        var hasBom = input.ReadAtLeast(bom, 3, throwOnEndOfStream: false) == 3 && bom.SequenceEqual("\uFEFF"u8);
        input.Position = origin + (hasBom ? 3 : 0);
        var buffer = ArrayPool<byte>.Shared.Rent(FirstBufferSize);
        var path = new PathStack();
        var state = new JsonReaderState(ReaderOptions);
        int begin = 0, end = 0;
        long offset = hasBom ? 3 : 0;
        var final = false;
        try
        {
            while (true)
            {
                if (begin > 0)
                {
                    Buffer.BlockCopy(buffer, begin, buffer, 0, end - begin);
                    end -= begin;
                    begin = 0;
                }
                else if (end == buffer.Length)
                {
                    // One event (or one token) larger than the buffer: room for all of it.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    Buffer.BlockCopy(buffer, 0, larger, 0, end);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                if (!final)
                {
                    var read = input.Read(buffer, end, buffer.Length - end);
                    final = read == 0;
                    end += read;
                }

                var data = buffer.AsSpan(0, end);
                var reader = new Utf8JsonReader(data, final, state);
                var done = Step(ref reader, data, path, offset, skeleton, item, parse);
                begin = (int)reader.BytesConsumed;
                offset += begin;
                state = reader.CurrentState;
                if (done)
                {
                    return;
                }
            }
        }
        catch (JsonException e)
        {
            throw JsonRead.Invalid(e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads the tokens the buffer holds whole; true at the end of the document.</summary>
    private static bool Step(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, PathStack path, long offset,
        Utf8JsonWriter? skeleton, Action<ScheduleItem, JsonElement> item, bool parse)
    {
        while (true)
        {
            var checkpoint = reader;
            if (!reader.Read())
            {
                // Data ends mid-token (read more), or the document is complete.
                reader = checkpoint;
                return reader.IsFinalBlock;
            }

            if (path.Place(reader.TokenType) is { } place && reader.TokenType != JsonTokenType.EndArray)
            {
                // An event: only as a whole, else after more data is read.
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    var probe = reader;
                    if (!probe.TrySkip())
                    {
                        reader = checkpoint;
                        return false;
                    }

                    if (!parse)
                    {
                        reader = probe;
                    }
                }

                var at = place with { Offset = offset + reader.TokenStartIndex };
                if (parse)
                {
                    using var document = JsonDocument.ParseValue(ref reader);
                    item(at, document.RootElement);
                }
                else
                {
                    item(at, default);
                }

                path.Advance();
                continue;
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    path.Push(reader.TokenType == JsonTokenType.StartArray);
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        skeleton?.WriteStartArray();
                    }
                    else
                    {
                        skeleton?.WriteStartObject();
                    }

                    break;
                case JsonTokenType.EndObject:
                    skeleton?.WriteEndObject();
                    path.Pop();
                    break;
                case JsonTokenType.EndArray:
                    skeleton?.WriteEndArray();
                    path.Pop();
                    break;
                case JsonTokenType.PropertyName:
                    var name = reader.GetString()!;
                    skeleton?.WritePropertyName(name);
                    path.Name(name);
                    break;
                case JsonTokenType.String:
                    // The raw text with its quotes and escapes, as the input has it.
                    skeleton?.WriteRawValue(data.Slice((int)reader.TokenStartIndex, reader.ValueSpan.Length + 2), skipInputValidation: true);
                    path.Advance();
                    break;
                default:
                    skeleton?.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                    path.Advance();
                    break;
            }
        }
    }

    /// <summary>Which kinds of events a document has and whether all of <c>days</c>' come before the first of <c>events</c>.</summary>
    internal sealed class ItemSpread
    {
        private long _lastVersion1 = -1;
        private long _firstVersion2 = -1;

        public bool Any => _lastVersion1 >= 0 || _firstVersion2 >= 0;

        /// <summary>One pass in document order gives the order days-then-events.</summary>
        public bool InOrder => _lastVersion1 < 0 || _firstVersion2 < 0 || _lastVersion1 < _firstVersion2;

        public void Saw(ScheduleItem item)
        {
            if (!item.IsVersion2)
            {
                _lastVersion1 = Math.Max(_lastVersion1, item.Offset);
            }
            else if (_firstVersion2 < 0)
            {
                _firstVersion2 = item.Offset;
            }
        }
    }

    /// <summary>The containers the reader is in, enough to recognise the two arrays of events.</summary>
    private sealed class PathStack
    {
        private readonly List<Frame> _frames = [];
        private ScheduleItem? _itemArray;

        /// <summary>Non-null when the token just read is (the end of) an element of an events array.</summary>
        public ScheduleItem? Place(JsonTokenType token) =>
            _itemArray is { } array && token != JsonTokenType.PropertyName ? array with { Index = _frames[^1].Index } : null;

        public void Push(bool isArray)
        {
            var parent = _frames.Count > 0 ? _frames[^1] : null;
            _frames.Add(new Frame(isArray, parent?.Pending, parent is { IsArray: true } ? parent.Index : -1));
            _itemArray = isArray ? Recognise() : null;
        }

        public void Pop()
        {
            _frames.RemoveAt(_frames.Count - 1);
            _itemArray = null;
            if (_frames.Count > 0)
            {
                Advance();
                _itemArray = _frames[^1].IsArray ? Recognise() : null;
            }
        }

        public void Name(string name) => _frames[^1].Pending = name;

        /// <summary>A value of the current container is complete.</summary>
        public void Advance()
        {
            if (_frames.Count > 0)
            {
                var top = _frames[^1];
                top.Pending = null;
                if (top.IsArray)
                {
                    top.Index++;
                }
            }
        }

        // [root] (schedule) conference days [i] rooms <room>  and  [root] (schedule) events
        private ScheduleItem? Recognise()
        {
            var n = _frames.Count;
            if (n is 2 or 3 && _frames[^1].Key == "events" && Root(n - 2, out var wrapped))
            {
                return new ScheduleItem(wrapped, IsVersion2: true, -1, null, 0, 0);
            }

            if (n is 6 or 7 && _frames[^2].Key == "rooms" && !_frames[^2].IsArray && _frames[^3].Position >= 0 && !_frames[^3].IsArray
                && _frames[^4].Key == "days" && _frames[^4].IsArray && _frames[^5].Key == "conference" && !_frames[^5].IsArray
                && Root(n - 6, out wrapped))
            {
                return new ScheduleItem(wrapped, IsVersion2: false, _frames[^3].Position, _frames[^1].Key, 0, 0);
            }

            return null;
        }

        /// <summary>Frame <paramref name="at"/> is the root object, or the "schedule" object right in it.</summary>
        private bool Root(int at, out bool wrapped)
        {
            wrapped = at == 1;
            return at == 0 ? !_frames[0].IsArray
                : at == 1 && !_frames[0].IsArray && !_frames[1].IsArray && _frames[1].Key == "schedule";
        }

        private sealed class Frame(bool isArray, string? key, int position)
        {
            public bool IsArray { get; } = isArray;

            /// <summary>The property name this container is the value of.</summary>
            public string? Key { get; } = key;

            /// <summary>The index this container has in its parent array, else -1.</summary>
            public int Position { get; } = position;

            public string? Pending { get; set; }

            public int Index { get; set; }
        }
    }
}
