using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Realtime.TestKit;

/// <summary>
/// Generates JSON values as text with arbitrary (valid) whitespace between tokens, including
/// raw line feeds, carriage returns and tabs, for property-style tests of payload handling.
/// </summary>
public sealed class RandomJson(int seed)
{
    private static readonly string[] Whitespace = ["", "", " ", "\n", "\r\n", "\t", "  \n  ", "\n\n", "\r"];
    private static readonly string[] Strings =
    [
        "", "hi", "line\nbreak", "cr\rlf\r\n", "tab\t", "quote\"", "back\\slash", "ünïcødé", "日本語テキスト", "emoji 😀",
        "\u2028\u2029", "{\"op\":\"msg\",\"channel\":\"room:admin\"}", "</script>", "&<>'", "\u0001\u001f",
    ];

    private static readonly string[] Numbers = ["0", "-0", "1", "-17", "1.5", "1.50", "1e3", "-2.5E-7", "123456789012345678901234567890", "0.1"];

    private readonly Random _random = new(seed);

    /// <summary>One JSON value, at most <paramref name="depth"/> levels deep, with random whitespace.</summary>
    public string Next(int depth = 4)
    {
        var text = new StringBuilder();
        text.Append(Ws());
        Value(text, depth);
        text.Append(Ws());
        return text.ToString();
    }

    private string Ws() => Whitespace[_random.Next(Whitespace.Length)];

    private void Value(StringBuilder text, int depth)
    {
        switch (_random.Next(depth > 0 ? 8 : 5))
        {
            case 0:
                text.Append(JsonSerializer.Serialize(Strings[_random.Next(Strings.Length)]));
                break;
            case 1:
                // A string spelled with escapes where JSON allows them.
                text.Append("\"esc\\n\\r\\t\\u0041\\/\\\"").Append(_random.Next(100).ToString(CultureInfo.InvariantCulture)).Append('"');
                break;
            case 2:
                text.Append(Numbers[_random.Next(Numbers.Length)]);
                break;
            case 3:
                text.Append(_random.Next(2) == 0 ? "true" : "false");
                break;
            case 4:
                text.Append("null");
                break;
            case 5:
            case 6:
                Container(text, depth, '{', '}', obj: true);
                break;
            default:
                Container(text, depth, '[', ']', obj: false);
                break;
        }
    }

    private void Container(StringBuilder text, int depth, char open, char close, bool obj)
    {
        text.Append(open);
        var count = _random.Next(4);
        for (var i = 0; i < count; i++)
        {
            text.Append(Ws());
            if (i > 0)
            {
                text.Append(',').Append(Ws());
            }

            if (obj)
            {
                text.Append(JsonSerializer.Serialize(Strings[_random.Next(Strings.Length)] + i.ToString(CultureInfo.InvariantCulture))).Append(Ws()).Append(':').Append(Ws());
            }

            Value(text, depth - 1);
        }

        text.Append(Ws()).Append(close);
    }
}
