using System.Threading.Channels;
using Grpc.Core;
using Realtime.Core.Bus;
using Realtime.Dispatcher.Publishing;
using Realtime.V1;

namespace Realtime.Dispatcher.Grpc;

/// <summary><c>PublishStream</c>: ordered and pipelined, one answer per message in order.</summary>
internal sealed partial class DispatcherService
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    public override async Task PublishStream(IAsyncStreamReader<PublishRequest> requestStream, IServerStreamWriter<PublishStreamResponse> responseStream, ServerCallContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var inFlight = Channel.CreateBounded<PendingPublish>(new BoundedChannelOptions(options.Value.MaxStreamInFlight)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        var answers = AnswerInOrderAsync(inFlight.Reader, responseStream, stop);
        try
        {
            Task? previous = null;
            ulong sequence = 0;
            while (await requestStream.MoveNext(stop.Token))
            {
                Task<PublishResponse> send;
                try
                {
                    send = await publisher.SendInOrderAsync(publisher.ValidateCounted(requestStream.Current), previous, stop.Token);
                    previous = send;
                }
                catch (PublishValidationException ex)
                {
                    send = Task.FromException<PublishResponse>(ex);
                }

                // Bounded: when MaxStreamInFlight answers are outstanding, reading waits (HTTP/2 flow control pushes back).
                await inFlight.Writer.WriteAsync(new PendingPublish(sequence++, send), stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The caller went away, or answering failed (below).
        }
        catch (IOException)
        {
            // The caller's connection broke mid-stream: nothing to answer. Sends already issued complete in Redis.
            await stop.CancelAsync();
        }
        finally
        {
            inFlight.Writer.TryComplete();
        }

        await answers;
    }

    private async Task AnswerInOrderAsync(ChannelReader<PendingPublish> pending, IServerStreamWriter<PublishStreamResponse> responses, CancellationTokenSource stop)
    {
        try
        {
            while (await pending.WaitToReadAsync(stop.Token))
            {
                while (pending.TryRead(out var item))
                {
                    var answer = new PublishStreamResponse { Sequence = item.Sequence };
                    try
                    {
                        answer.Result = await item.Send;
                    }
                    catch (PublishValidationException ex)
                    {
                        answer.Error = new PublishError { Code = (int)StatusCode.InvalidArgument, Message = ex.Message };
                    }
                    catch (BusUnavailableException ex)
                    {
                        Log.BrokerUnavailable(logger, ex);
                        answer.Error = new PublishError { Code = (int)StatusCode.Unavailable, Message = "the message broker (Redis) is unavailable; publish again with backoff" };
                    }
                    catch (OperationCanceledException)
                    {
                        answer.Error = new PublishError { Code = (int)StatusCode.Cancelled, Message = "cancelled" };
                    }
                    catch (Exception ex)
                    {
                        // Anything unforeseen fails this message only (logged), never the stream.
                        Log.StreamPublishFailed(logger, ex);
                        answer.Error = new PublishError { Code = (int)StatusCode.Internal, Message = "internal error" };
                    }

                    // Coalesce answers that are ready into one flush; flush when caught up.
                    responses.WriteOptions = pending.TryPeek(out var next) && next.Send.IsCompleted ? Buffered : null;
                    await responses.WriteAsync(answer, stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
        {
            // The response stream is gone: stop reading requests too. Sends already issued complete in Redis.
            await stop.CancelAsync();
            while (pending.TryRead(out var item))
            {
                _ = item.Send.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    private readonly record struct PendingPublish(ulong Sequence, Task<PublishResponse> Send);
}
