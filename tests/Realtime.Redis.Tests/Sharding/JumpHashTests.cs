namespace Realtime.Redis.Tests.Sharding;

public sealed class JumpHashTests
{
    [Fact]
    public void Channels_SpreadRoughlyEvenly_OverThreeShards()
    {
        var counts = new int[3];
        for (var i = 0; i < 3000; i++)
        {
            counts[JumpHash.Bucket($"room:r{i}", 3)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
    }

    [Fact]
    public void AddingAShard_MovesAboutItsShareOfChannels_OnlyToTheNewShard()
    {
        var moved = 0;
        for (var i = 0; i < 4000; i++)
        {
            var before = JumpHash.Bucket($"user:u{i}", 3);
            var after = JumpHash.Bucket($"user:u{i}", 4);
            if (before != after)
            {
                moved++;
                Assert.Equal(3, after);
            }
        }

        Assert.InRange(moved, 800, 1200); // about a quarter
    }

    [Fact]
    public void Mapping_IsStable_AndOneShardTakesAll()
    {
        Assert.Equal(JumpHash.Bucket("room:lobby", 5), JumpHash.Bucket("room:lobby", 5));
        Assert.Equal(0, JumpHash.Bucket("room:lobby", 1));

        // Pinned values: every process and every release must agree on where a channel lives.
        // (FNV-1a 64 of "a", and jump hash values computed independently of this code.)
        Assert.Equal(0xaf63dc4c8601ec8cUL, JumpHash.Fnv1a("a"));
        Assert.Equal(1, JumpHash.Bucket("room:lobby", 2));
        Assert.Equal(1, JumpHash.Bucket("room:lobby", 3));
        Assert.Equal(1, JumpHash.Bucket("room:lobby", 8));
    }
}
