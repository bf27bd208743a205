using System.Text;

namespace Realtime.Redis;

/// <summary>
/// Jump consistent hash (Lamping and Veach, 2014) of a channel name over N shards: every shard
/// gets about 1/N of the channels, and growing N to N+1 moves only about 1/(N+1) of them. The key
/// is the 64-bit FNV-1a hash of the name's UTF-8 bytes, so every process maps a channel alike.
/// </summary>
public static class JumpHash
{
    public static int Bucket(string name, int buckets)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        return buckets == 1 ? 0 : Bucket(Fnv1a(name), buckets);
    }

    public static int Bucket(ulong key, int buckets)
    {
        long b = -1;
        long j = 0;
        while (j < buckets)
        {
            b = j;
            key = (key * 2862933555777941757UL) + 1;
            j = (long)((b + 1) * ((double)(1L << 31) / ((key >> 33) + 1)));
        }

        return (int)b;
    }

    public static ulong Fnv1a(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<byte> stack = stackalloc byte[256];
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var bytes = max <= stack.Length ? stack[..Encoding.UTF8.GetBytes(text, stack)] : Encoding.UTF8.GetBytes(text);
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
