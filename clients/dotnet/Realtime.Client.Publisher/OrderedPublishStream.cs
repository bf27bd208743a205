using System.Threading.Channels;
using Grpc.Core;
using Realtime.V1;

namespace Realtime.Client.Publisher;

/// <summary>
/// The ordered publisher behind <see cref="PublishMode.Stream"/>: one sender loop writes requests to
/// a <c>PublishStream</c> call in the order they were submitted, without waiting for answers; the
/// dispatcher answers each message once, in order, so answers are matched first-in first-out. When
/// the call fails, the messages awaiting an answer fail with its status (they may or may not have
/// been published) and the next message opens a new call.
/// </summary>
internal sealed class OrderedPublishStream : IAsyncDisposable
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    private readonly Dispatcher.DispatcherClient _client;
    private readonly Func<Metadata?> _headers;
    private readonly Channel<Submitted> _submitted;
    private readonly SemaphoreSlim _inFlight;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Task _sender;
    private StreamCall? _call;

    public OrderedPublishStream(Dispatcher.DispatcherClient client, Func<Metadata?> headers, int maxInFlight)
    {
        _client = client;
        _headers = headers;
        _inFlight = new SemaphoreSlim(maxInFlight, maxInFlight);
        _submitted = Channel.CreateUnbounded<Submitted>(); // (the general channel supports Count, used for BufferHint)
        _sender = Task.Run(SendLoopAsync);
    }

    /// <summary>Queues <paramref name="request"/> behind every earlier one; completes with its answer.</summary>
    public async Task<PublishResponse> PublishAsync(PublishRequest request, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        var answer = new TaskCompletionSource<PublishResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = answer.Task.ContinueWith(static (_, s) => ((SemaphoreSlim)s!).Release(), _inFlight, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (!_submitted.Writer.TryWrite(new Submitted(request, answer)))
        {
            answer.TrySetException(new ObjectDisposedException(nameof(RealtimePublisher)));
        }

        try
        {
            return timeout is { } limit
                ? await answer.Task.WaitAsync(limit, cancellationToken).ConfigureAwait(false)
                : await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "no answer from the dispatcher in time (the message may still be published)"));
        }
    }

    /// <summary>Sends what was submitted, closes the stream and waits (up to 5 s) for the owed answers, then cancels.</summary>
    public async ValueTask DisposeAsync()
    {
        _submitted.Writer.TryComplete();
        var drained = Task.WhenAll(_sender, _call?.Completion ?? Task.CompletedTask);
        await drained.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_call?.Completion is { } last)
        {
            await last.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        await _sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _call?.Fail(new RpcException(new Status(StatusCode.Cancelled, "the publisher was disposed")));
        _disposed.Dispose();
        _inFlight.Dispose();
    }

    private async Task SendLoopAsync()
    {
        var reader = _submitted.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_disposed.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    var call = _call is { IsBroken: false } current ? current : _call = StreamCall.Start(_client, _headers(), _disposed.Token);
                    if (!call.Expect(item.Answer))
                    {
                        // Broke between the check and now: this message goes on a fresh call.
                        call = _call = StreamCall.Start(_client, _headers(), _disposed.Token);
                        if (!call.Expect(item.Answer))
                        {
                            item.Answer.TrySetException(call.Error ?? new RpcException(new Status(StatusCode.Unavailable, "the publish stream broke")));
                            continue;
                        }
                    }

                    try
                    {
                        call.Requests.WriteOptions = reader.Count > 0 ? Buffered : null;
                        await call.Requests.WriteAsync(item.Request, _disposed.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        // Whatever broke the write, the messages on this call learn it and the next one starts afresh.
                        call.Fail(ex as RpcException ?? new RpcException(new Status(StatusCode.Unavailable, "the publish stream broke: " + ex.Message)));
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // disposed
        }

        while (reader.TryRead(out var left))
        {
            left.Answer.TrySetException(new ObjectDisposedException(nameof(RealtimePublisher)));
        }

        if (_call is { IsBroken: false } open)
        {
            await open.Requests.CompleteAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private readonly record struct Submitted(PublishRequest Request, TaskCompletionSource<PublishResponse> Answer);

    /// <summary>One <c>PublishStream</c> call and the answers it still owes, in order.</summary>
    private sealed class StreamCall
    {
        private readonly Queue<TaskCompletionSource<PublishResponse>> _awaiting = new();
        private readonly AsyncDuplexStreamingCall<PublishRequest, PublishStreamResponse> _call;
        private bool _broken;

        private StreamCall(AsyncDuplexStreamingCall<PublishRequest, PublishStreamResponse> call) => _call = call;

        /// <summary>Completes when the call has ended (all answers read, or broken).</summary>
        public Task Completion { get; private set; } = Task.CompletedTask;

        public IClientStreamWriter<PublishRequest> Requests => _call.RequestStream;

        /// <summary>Why the call broke (once it has).</summary>
        public RpcException? Error { get; private set; }

        public bool IsBroken
        {
            get
            {
                lock (_awaiting)
                {
                    return _broken;
                }
            }
        }

        public static StreamCall Start(Dispatcher.DispatcherClient client, Metadata? headers, CancellationToken cancellationToken)
        {
            var call = new StreamCall(client.PublishStream(headers, cancellationToken: cancellationToken));
            call.Completion = Task.Run(call.ReceiveLoopAsync, CancellationToken.None);
            return call;
        }

        public bool Expect(TaskCompletionSource<PublishResponse> answer)
        {
            lock (_awaiting)
            {
                if (_broken)
                {
                    return false;
                }

                _awaiting.Enqueue(answer);
                return true;
            }
        }

        public void Fail(RpcException error)
        {
            TaskCompletionSource<PublishResponse>[] owed;
            lock (_awaiting)
            {
                _broken = true;
                Error ??= error;
                owed = [.. _awaiting];
                _awaiting.Clear();
            }

            foreach (var answer in owed)
            {
                answer.TrySetException(error);
            }

            _call.Dispose();
        }

        private async Task ReceiveLoopAsync()
        {
            try
            {
                await foreach (var response in _call.ResponseStream.ReadAllAsync().ConfigureAwait(false))
                {
                    TaskCompletionSource<PublishResponse>? answer;
                    lock (_awaiting)
                    {
                        _awaiting.TryDequeue(out answer);
                    }

                    if (response.OutcomeCase == PublishStreamResponse.OutcomeOneofCase.Result)
                    {
                        answer?.TrySetResult(response.Result);
                    }
                    else
                    {
                        answer?.TrySetException(new RpcException(new Status((StatusCode)response.Error.Code, response.Error.Message)));
                    }
                }

                Fail(new RpcException(new Status(StatusCode.Unavailable, "the dispatcher ended the publish stream")));
            }
            catch (RpcException ex)
            {
                Fail(ex);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or ObjectDisposedException)
            {
                Fail(new RpcException(new Status(StatusCode.Unavailable, "the publish stream broke: " + ex.Message)));
            }
        }
    }
}
