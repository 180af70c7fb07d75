// Recording a query from the microphone: MediaRecorder into one Blob, which the page then decodes like an
// attached clip. Recording stops by itself at the length CLAP listens to in one window.

export const MAX_RECORDING_S = 10;

export function canRecord(): boolean {
  return typeof MediaRecorder !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
}

export class MicRecorder {
  private recorder: MediaRecorder | null = null;
  private stream: MediaStream | null = null;
  private chunks: Blob[] = [];
  private finished: Promise<File> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Asks for the microphone and starts recording; `onStop` gets the clip however recording ends. */
  async start(onStop: (clip: File) => void, maxS = MAX_RECORDING_S): Promise<void> {
    this.stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1 } });
    const recorder = new MediaRecorder(this.stream);
    this.recorder = recorder;
    this.chunks = [];
    recorder.addEventListener('dataavailable', (e) => {
      if (e.data.size) this.chunks.push(e.data);
    });
    this.finished = new Promise<File>((resolve, reject) => {
      recorder.addEventListener('stop', () => {
        const type = recorder.mimeType || 'audio/webm';
        const ext = type.includes('ogg') ? 'ogg' : type.includes('mp4') ? 'm4a' : 'webm';
        resolve(new File(this.chunks, `recording.${ext}`, { type }));
      });
      recorder.addEventListener('error', (e) =>
        reject((e as ErrorEvent).error ?? new Error('Recording failed')),
      );
    });
    this.finished
      .then(onStop)
      .catch((error: unknown) => console.warn('Trove: recording from the microphone failed', error))
      .finally(() => this.release());
    recorder.start();
    this.timer = setTimeout(() => this.stop(), maxS * 1000);
  }

  get recording(): boolean {
    return this.recorder?.state === 'recording';
  }

  stop(): void {
    clearTimeout(this.timer);
    if (this.recorder?.state === 'recording') this.recorder.stop();
  }

  private release(): void {
    clearTimeout(this.timer);
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.recorder = null;
  }
}
