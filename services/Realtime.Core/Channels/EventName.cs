namespace Realtime.Core.Channels;

/// <summary>Validation of application event names: 1..64 characters of <c>[A-Za-z0-9._:-]</c>.</summary>
public static class EventName
{
    public const int MaxLength = 64;

    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' or '.' or ':'))
            {
                return false;
            }
        }

        return true;
    }
}
