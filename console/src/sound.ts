// The audible cue for a new incident: a short two-tone beep made with WebAudio (no audio file to fetch).

let ctx: AudioContext | undefined;

/**
 * Creates or resumes the audio context. Browsers only allow sound after a user gesture, so the sign-in click and
 * the sound toggle call this.
 */
export function unlockAudio(): void {
  try {
    ctx ??= new AudioContext();
    if (ctx.state === 'suspended') void ctx.resume();
  } catch {
    // no WebAudio: the visible cue remains
  }
}

/** Plays the cue; returns whether sound could be played. */
export function beep(): boolean {
  try {
    ctx ??= new AudioContext();
    if (ctx.state === 'suspended') void ctx.resume();
    const now = ctx.currentTime;
    for (const [i, freq] of [880, 1175].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      const t = now + i * 0.22;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.3, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.21);
    }
    return true;
  } catch {
    return false;
  }
}

/** Whether the operator wants the sound (default on). */
export function storedSound(): boolean {
  try {
    return localStorage.getItem('ioc.sound') !== 'off';
  } catch {
    return true;
  }
}

export function storeSound(on: boolean): void {
  try {
    localStorage.setItem('ioc.sound', on ? 'on' : 'off');
  } catch {
    // the choice lasts for this page only
  }
}
