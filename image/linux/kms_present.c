// The benchmark's Linux anchor, present path (image/bench_linux.py): the same
// virtio-gpu that rota drives, through KMS with a dumb buffer, as a program
// that knows nothing but the kernel's UAPI. The box is painted once; each frame
// then changes one pixel in it and sends DRM_IOCTL_MODE_DIRTYFB with the box as
// its one clip, the way a compositor reports damage. Nothing else is drawn, so
// the frame rate is the present path's: what rota's debug=present-only
// measures on its side. Linux's DIRTYFB on a dumb buffer queues the transfer
// and flush without waiting for them; the virtqueue filling up is what paces it.
//
//     kms_present WIDTH HEIGHT BOX_X BOX_Y BOX_W BOX_H FRAMES
//
// Prints one line: "[linux] present mode=WxH box=X,Y,W,H frames=N fps=...
// frame_ms=... frame_p50_ms=... dirtyfb_ms=... p50_ms=... p99_ms=...":
// frame_ms is the mean frame (frames queued behind a full virtqueue count),
// frame_p50_ms the median, the others the DIRTYFB ioctl's mean, median and
// 99th percentile. Built static by the
// benchmark from this file (gcc -static), with the kernel UAPI headers
// (linux-libc-dev, and libdrm-dev for include/uapi/drm, which Debian ships there).
#include <drm.h>
#include <drm_mode.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "anchor_common.h"

static void die(const char* what)
{
    perror(what);
    printf("[linux] present failed: %s\n", what);
    exit(1);
}

static void xioctl(int fd, unsigned long request, void* arg, const char* what)
{
    while (ioctl(fd, request, arg) != 0) {
        if (errno != EINTR)
            die(what);
    }
}

// A mode of exactly width x height: the connector's own if it lists one, else
// a made-up 60 Hz timing (virtio-gpu takes any size it can allocate).
static struct drm_mode_modeinfo pick_mode(
    struct drm_mode_modeinfo* modes, unsigned count, unsigned width, unsigned height)
{
    for (unsigned i = 0; i < count; ++i) {
        if (modes[i].hdisplay == width && modes[i].vdisplay == height)
            return modes[i];
    }
    struct drm_mode_modeinfo m;
    memset(&m, 0, sizeof m);
    m.hdisplay = width;
    m.hsync_start = width + 8;
    m.hsync_end = width + 16;
    m.htotal = width + 32;
    m.vdisplay = height;
    m.vsync_start = height + 2;
    m.vsync_end = height + 4;
    m.vtotal = height + 8;
    m.vrefresh = 60;
    m.clock = m.htotal * m.vtotal * 60 / 1000;
    snprintf(m.name, sizeof m.name, "%ux%u", width, height);
    return m;
}

int main(int argc, char** argv)
{
    if (argc != 8) {
        fprintf(stderr, "usage: kms_present WIDTH HEIGHT BOX_X BOX_Y BOX_W BOX_H FRAMES\n");
        return 2;
    }
    unsigned width = atoi(argv[1]), height = atoi(argv[2]);
    unsigned bx = atoi(argv[3]), by = atoi(argv[4]), bw = atoi(argv[5]), bh = atoi(argv[6]);
    unsigned frames = atoi(argv[7]);
    if (bx + bw > width || by + bh > height || frames == 0) {
        printf("[linux] present failed: the box is off the screen\n");
        return 2;
    }

    int fd = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        die("open /dev/dri/card0");

    struct drm_mode_card_res res;
    memset(&res, 0, sizeof res);
    xioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res, "GETRESOURCES");
    uint32_t crtcs[16], connectors[16], encoders[16];
    if (res.count_crtcs > 16 || res.count_connectors > 16 || res.count_encoders > 16)
        die("too many KMS objects");
    res.crtc_id_ptr = (uintptr_t)crtcs;
    res.connector_id_ptr = (uintptr_t)connectors;
    res.encoder_id_ptr = (uintptr_t)encoders;
    res.count_fbs = 0;
    xioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res, "GETRESOURCES");

    struct drm_mode_get_connector conn;
    struct drm_mode_modeinfo modes[64];
    int found = 0;
    for (unsigned i = 0; i < res.count_connectors && !found; ++i) {
        memset(&conn, 0, sizeof conn);
        conn.connector_id = connectors[i];
        xioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &conn, "GETCONNECTOR");
        if (conn.connection != 1 || conn.count_modes == 0)
            continue;
        if (conn.count_modes > 64)
            conn.count_modes = 64;
        conn.modes_ptr = (uintptr_t)modes;
        conn.count_props = 0;
        conn.count_encoders = 0;
        xioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &conn, "GETCONNECTOR");
        found = 1;
    }
    if (!found)
        die("no connected connector");
    struct drm_mode_modeinfo mode = pick_mode(modes, conn.count_modes, width, height);

    uint32_t crtc_id = crtcs[0];
    if (conn.encoder_id != 0) {
        struct drm_mode_get_encoder enc;
        memset(&enc, 0, sizeof enc);
        enc.encoder_id = conn.encoder_id;
        xioctl(fd, DRM_IOCTL_MODE_GETENCODER, &enc, "GETENCODER");
        if (enc.crtc_id != 0)
            crtc_id = enc.crtc_id;
    }

    struct drm_mode_create_dumb dumb;
    memset(&dumb, 0, sizeof dumb);
    dumb.width = width;
    dumb.height = height;
    dumb.bpp = 32;
    xioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &dumb, "CREATE_DUMB");
    struct drm_mode_fb_cmd fb;
    memset(&fb, 0, sizeof fb);
    fb.width = width;
    fb.height = height;
    fb.pitch = dumb.pitch;
    fb.bpp = 32;
    fb.depth = 24;
    fb.handle = dumb.handle;
    xioctl(fd, DRM_IOCTL_MODE_ADDFB, &fb, "ADDFB");
    struct drm_mode_map_dumb map;
    memset(&map, 0, sizeof map);
    map.handle = dumb.handle;
    xioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map, "MAP_DUMB");
    uint8_t* pixels = mmap(0, dumb.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, map.offset);
    if (pixels == MAP_FAILED)
        die("mmap");
    memset(pixels, 0, dumb.size);

    struct drm_mode_crtc crtc;
    memset(&crtc, 0, sizeof crtc);
    crtc.crtc_id = crtc_id;
    crtc.fb_id = fb.fb_id;
    crtc.set_connectors_ptr = (uintptr_t)&conn.connector_id;
    crtc.count_connectors = 1;
    crtc.mode = mode;
    crtc.mode_valid = 1;
    xioctl(fd, DRM_IOCTL_MODE_SETCRTC, &crtc, "SETCRTC");

    uint64_t* present = calloc(frames, sizeof *present);
    uint64_t* frame = calloc(frames + 1, sizeof *frame); // each frame's start, then the end
    struct drm_clip_rect clip = {bx, by, bx + bw, by + bh};
    struct drm_mode_fb_dirty_cmd dirty;
    memset(&dirty, 0, sizeof dirty);
    dirty.fb_id = fb.fb_id;
    dirty.num_clips = 1;
    dirty.clips_ptr = (uintptr_t)&clip;
    for (unsigned y = by; y < by + bh; ++y) {
        uint32_t* row = (uint32_t*)(pixels + (size_t)y * dumb.pitch);
        for (unsigned x = bx; x < bx + bw; ++x)
            row[x] = 0x00144e44u;
    }
    uint32_t* marker = (uint32_t*)(pixels + (size_t)(by + bh / 2) * dumb.pitch) + bx + bw / 2;
    uint64_t start = now_ns();
    for (unsigned n = 0; n < frames; ++n) {
        *marker = n; // a new picture every frame, at no drawing cost
        uint64_t before = now_ns();
        frame[n] = before;
        xioctl(fd, DRM_IOCTL_MODE_DIRTYFB, &dirty, "DIRTYFB");
        present[n] = now_ns() - before;
    }
    uint64_t elapsed = now_ns() - start;
    frame[frames] = start + elapsed;
    for (unsigned n = 0; n < frames; ++n)
        frame[n] = frame[n + 1] - frame[n];
    qsort(frame, frames, sizeof *frame, by_value);
    uint64_t sum = 0;
    for (unsigned n = 0; n < frames; ++n)
        sum += present[n];
    qsort(present, frames, sizeof *present, by_value);
    printf("[linux] present mode=%ux%u box=%u,%u,%u,%u frames=%u fps=%.1f frame_ms=%.3f "
           "frame_p50_ms=%.3f dirtyfb_ms=%.3f p50_ms=%.3f p99_ms=%.3f\n",
        width, height, bx, by, bw, bh, frames, frames * 1e9 / (double)elapsed,
        elapsed / 1e6 / frames, frame[frames / 2] / 1e6, sum / 1e6 / frames,
        present[frames / 2] / 1e6, present[frames * 99 / 100] / 1e6);
    return 0;
}
