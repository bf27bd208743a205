namespace Realtime.Dispatcher.Publishing;

/// <summary>A publish request that can never succeed as sent (maps to INVALID_ARGUMENT).</summary>
internal sealed class PublishValidationException : Exception
{
    public PublishValidationException()
    {
    }

    public PublishValidationException(string message)
        : base(message)
    {
    }

    public PublishValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
