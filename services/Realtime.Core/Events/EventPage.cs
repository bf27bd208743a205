namespace Realtime.Core.Events;

/// <summary>Events read after a cursor, oldest first; <see cref="Cursor"/> resumes after the last one read.</summary>
public sealed record EventPage(IReadOnlyList<LifecycleEvent> Events, string Cursor);
