#include "gfx/roulette/wheel.h"

#include <algorithm>
#include <cstring>

#include "core/lib/assert.h"
#include "core/lib/format.h"
#include "core/lib/hot_code.h"
#include "core/lib/math.h"
#include "core/roulette/wedges.h"
#include "gfx/text/text.h"

namespace rota {

namespace {

size_t align16(size_t bytes)
{
    return (bytes + 15) & ~size_t(15);
}

// The fully covered pixels of a run: out[i] = texture[index[i] - turn], two
// pixels a step in plain 8-byte moves: one load of their indices, two texel
// loads, one store of both colours (four accesses where a pixel at a time
// takes six). Under TCG every guest memory access is a software TLB lookup,
// so fewer accesses is faster; but SSE2 is not: gathering four texels into a
// vector made this loop 2.3 times slower at 1280x800 under QEMU 7.2
// (docs/benchmarks.md, "What limits each configuration"). GCC's vectoriser
// would build that gather again; it is told not to. (__builtin_memcpy: the
// kernel is freestanding, where plain memcpy stays a call.) Clang, which
// builds only the fuzz targets, has no such attribute and is left as it is.
#if defined(__clang__)
#define ROTA_NO_TREE_VECTORIZE
#else
#define ROTA_NO_TREE_VECTORIZE                                                                     \
    __attribute__((optimize("no-tree-slp-vectorize", "no-tree-vectorize")))
#endif
ROTA_NO_TREE_VECTORIZE __attribute__((always_inline)) inline void copy_texels(
    uint32_t* out, const uint32_t* index, const uint32_t* texture, uint32_t turn, int32_t count)
{
    auto pair = [&](int32_t i) {
        uint64_t at;
        __builtin_memcpy(&at, index + i, sizeof at);
        uint64_t colours = uint64_t(texture[uint32_t(at) - turn])
            | uint64_t(texture[uint32_t(at >> 32) - turn]) << 32;
        __builtin_memcpy(out + i, &colours, sizeof colours);
    };
    int32_t i = 0;
    for (; i + 4 <= count; i += 4) {
        pair(i);
        pair(i + 2);
    }
    for (; i < count; ++i)
        out[i] = texture[index[i] - turn];
}

// A full span of a row, drawn over the turn before in blocks (wheel.h):
// [begin, end) in the row's pixels, clipped to [clip_from, clip_to). Returns
// the pixels written. `high_turn` is the larger of the two turns, `spread`
// how far apart they are. In a function of its own so that its few values
// stay in registers: under TCG a spill to the stack is a memory access.
ROTA_NO_TREE_VECTORIZE ROTA_HOT_CODE uint32_t draw_blocks(uint32_t* out, const uint32_t* index,
    const uint32_t* texture, uint32_t turn, const uint32_t* block, const uint8_t* still_length,
    uint32_t high_turn, uint32_t spread, int32_t begin, int32_t end, int32_t clip_from,
    int32_t clip_to)
{
    constexpr int32_t pixels = WheelRenderer::block_pixels;
    constexpr uint32_t pitch = WheelRenderer::texture_pitch;
    uint32_t written = 0;
    for (int32_t x = begin; x < end; x += pixels, ++block) {
        uint32_t b = *block;
        uint32_t groups = b >> 30;
        if (groups != 0) {
            uint32_t column = b & 0xfff, group = b >> 12 & 0x7ff;
            const uint8_t* length
                = still_length + group * pitch + WheelRenderer::angle_steps + column - high_turn;
            uint32_t needed = (b >> 23 & 0x7f) + spread;
            uint32_t g = 0;
            while (g < groups && length[g * pitch] > needed)
                ++g;
            if (g == groups)
                continue; // every texel it shows stays
        }
        int32_t from = std::max(x, clip_from);
        int32_t to = std::min({x + pixels, end, clip_to});
        if (from < to) {
            copy_texels(out + from, index + from, texture, turn, to - from);
            written += uint32_t(to - from);
        }
    }
    return written;
}

} // namespace

WheelGeometry WheelGeometry::for_radius(int32_t cx, int32_t cy, int32_t radius)
{
    ROTA_ASSERT(radius >= min_radius && radius <= max_radius);
    WheelGeometry g {};
    g.cx = cx;
    g.cy = cy;
    g.radius = radius;
    // From radius 60 (hub and rim) and 24 (hole, spokes, numbers) up, the
    // proportions the roulette was designed with; below, parts shrink with
    // the wheel instead of swallowing it.
    int32_t rim = radius >= 60 ? std::max(3, radius / 20) : std::clamp(radius / 8, 1, 3);
    g.rim_inner = radius - rim;
    g.hub_radius = radius >= 24 ? std::max(6, radius * 15 / 100) : std::max(1, radius / 4);
    g.hub_hole = g.hub_radius >= 6 ? std::max(2, g.hub_radius * 2 / 5) : g.hub_radius / 2;
    g.spoke_half_width = radius >= 24 ? std::max(0.75, radius / 180.0) : 0.0; // 0: no spokes
    g.label_radius = g.hub_radius + (g.rim_inner - g.hub_radius) * 72 / 100;
    g.label_scale = std::clamp(radius / 110, 1, max_text_scale);
    g.labels = radius >= 24;
    ROTA_ASSERT(g.hub_hole < g.hub_radius && g.hub_radius < g.rim_inner && g.rim_inner < radius);
    return g;
}

namespace {

// Where each of the renderer's arrays lives in its memory, computed once for
// both memory_needed() and init(), so the two cannot disagree.
struct MemoryPlan {
    size_t texel_index, still, alpha, texture, runs, blocks, still_length, labels, columns, total;
};

int32_t label_width(const WheelGeometry& g)
{
    return g.labels ? text_width("00", g.label_scale) + 8 : 0;
}

int32_t label_height(const WheelGeometry& g)
{
    return g.labels ? 16 * g.label_scale + 8 : 0;
}

size_t group_count(size_t rows)
{
    return (rows + WheelRenderer::group_rows - 1) / WheelRenderer::group_rows;
}

template<class Runs, class Block>
MemoryPlan plan_memory(const WheelGeometry& g)
{
    size_t box = size_t(2 * g.radius + 3);
    size_t rows = size_t(g.rim_inner - g.hub_radius + 1);
    size_t blocks_per_row = box / WheelRenderer::block_pixels + 2;
    size_t label_bytes = wedge_count * size_t(label_width(g)) * size_t(label_height(g));
    MemoryPlan p {};
    size_t at = 0;
    auto take = [&](size_t& field, size_t bytes) {
        field = at;
        at += align16(bytes);
    };
    take(p.texel_index, box * box * 4);
    take(p.still, box * box * 4);
    take(p.alpha, box * box);
    take(p.texture, rows * WheelRenderer::texture_pitch * 4);
    take(p.runs, box * sizeof(Runs));
    take(p.blocks, box * blocks_per_row * sizeof(Block));
    take(p.still_length, group_count(rows) * WheelRenderer::texture_pitch);
    take(p.labels, label_bytes);
    take(p.columns, 2 * WheelRenderer::angle_steps * sizeof(double));
    p.total = at;
    return p;
}

} // namespace

size_t WheelRenderer::memory_needed(const WheelGeometry& g)
{
    return plan_memory<RowRuns, StillBlock>(g).total;
}

void WheelRenderer::init(const WheelGeometry& g, void* memory)
{
    m_geometry = g;
    m_box = 2 * g.radius + 3;
    m_rows = g.rim_inner - g.hub_radius + 1;
    ROTA_ASSERT(m_rows >= 1);
    m_groups = int32_t(group_count(size_t(m_rows)));
    MemoryPlan plan = plan_memory<RowRuns, StillBlock>(g);
    auto* bytes = static_cast<uint8_t*>(memory);
    m_texel_index = reinterpret_cast<uint32_t*>(bytes + plan.texel_index);
    m_static = reinterpret_cast<uint32_t*>(bytes + plan.still);
    m_alpha = bytes + plan.alpha;
    m_texture = reinterpret_cast<uint32_t*>(bytes + plan.texture);
    m_runs = reinterpret_cast<RowRuns*>(bytes + plan.runs);
    m_blocks = reinterpret_cast<StillBlock*>(bytes + plan.blocks);
    m_still_length = bytes + plan.still_length;
    m_labels = bytes + plan.labels;
    bytes += plan.columns;
    m_column_sin = reinterpret_cast<double*>(bytes);
    m_column_cos = m_column_sin + angle_steps;
    for (int32_t column = 0; column < angle_steps; ++column) {
        double angle = (column + 0.5) / angle_steps * 2 * pi;
        m_column_sin[column] = sine(angle);
        m_column_cos[column] = cosine(angle);
    }
    m_highlight = -1;

    // The numbers, upright, as coverage bitmaps (rendered white on black).
    m_label_width = label_width(g);
    m_label_height = label_height(g);
    ROTA_ASSERT(size_t(m_label_width) * size_t(m_label_height) <= size_t(m_rows) * texture_pitch);
    for (int wedge = 0; g.labels && wedge < wedge_count; ++wedge) {
        // Render into the texture's memory (not built yet) as scratch.
        Surface scratch {m_texture, m_label_width, m_label_height, m_label_width};
        memset(m_texture, 0, size_t(m_label_width) * size_t(m_label_height) * 4);
        char text[4];
        format(text, sizeof text, "%d", wedge);
        int32_t x = (m_label_width - text_width(text, g.label_scale)) / 2;
        draw_text(scratch, scratch.bounds(), x, 4, text, 0xffffff, g.label_scale);
        uint8_t* label = m_labels + size_t(wedge) * size_t(m_label_width) * size_t(m_label_height);
        for (int32_t i = 0; i < m_label_width * m_label_height; ++i)
            label[i] = red_of(m_texture[i]);
    }
}

void WheelRenderer::set_highlight(int wedge)
{
    if (wedge == m_highlight)
        return;
    int previous = m_highlight;
    m_highlight = wedge;
    // Only the columns of the wedges that change colour are rebuilt.
    for (int w : {previous, wedge}) {
        if (w < 0)
            continue;
        build_columns(w * angle_steps / wedge_count - 1, (w + 1) * angle_steps / wedge_count + 2);
    }
}

void WheelRenderer::draw_static(Surface& target, Rect clip) const
{
    Rect box = bounds();
    Rect area = box.intersect(clip).intersect(target.bounds());
    for (int32_t y = area.y; y < area.bottom(); ++y) {
        uint32_t* out = target.row(y);
        size_t base = size_t(y - box.y) * size_t(m_box) - size_t(box.x);
        for (int32_t x = area.x; x < area.right(); ++x) {
            if (m_alpha[base + size_t(x)] != 255)
                out[x] = m_static[base + size_t(x)];
        }
    }
}

uint32_t WheelRenderer::turn_of(double rotation)
{
    double fraction = rotation - floor_double(rotation);
    return static_cast<uint32_t>(fraction * angle_steps + 0.5) % angle_steps;
}

ROTA_HOT_CODE uint32_t WheelRenderer::draw_rotating(Surface& target, Rect clip, double rotation,
    int32_t row_begin, int32_t row_end, double drawn) const
{
    Rect box = bounds();
    Rect area = box.intersect(clip).intersect(target.bounds());
    int32_t first = std::max(area.y, box.y + row_begin);
    int32_t last = std::min(area.bottom(), box.y + row_end);
    // Turning the wheel by whole texture columns shifts every texel index by
    // the same amount, so a pixel's texel is its index minus the turn.
    uint32_t turn = turn_of(rotation);
    // A block whose columns at both turns lie in one still run of each of its
    // groups shows what it showed (wheel.h). The still runs describe the
    // texture without a highlight.
    bool incremental = drawn >= 0 && m_highlight < 0;
    uint32_t before = incremental ? turn_of(drawn) : turn;
    if (incremental && before == turn)
        return 0; // the ring already shows this turn
    uint32_t high_turn = std::max(turn, before), spread = high_turn - std::min(turn, before);
    const uint32_t* texel_index = m_texel_index;
    const uint32_t* texture = m_texture;
    const uint32_t* still = m_static;
    const uint8_t* alpha = m_alpha;
    uint32_t written = 0;
    for (int32_t y = first; y < last; ++y) {
        const RowRuns& runs = m_runs[y - box.y];
        const StillBlock* block = m_blocks + size_t(y - box.y) * size_t(blocks_per_row());
        uint32_t* out = target.row(y);
        size_t base = size_t(y - box.y) * size_t(m_box) - size_t(box.x);
        for (int run = 0; run < 2; ++run) {
            int32_t begin = box.x + runs.full[2 * run], end = box.x + runs.full[2 * run + 1];
            if (begin >= end)
                continue;
            if (incremental) {
                written += draw_blocks(out, texel_index + base, texture, turn, block,
                    m_still_length, high_turn, spread, begin, end, area.x, area.right());
                block += (end - begin + block_pixels - 1) / block_pixels;
                continue;
            }
            int32_t from = std::max(begin, area.x), to = std::min(end, area.right());
            if (from < to) {
                copy_texels(
                    out + from, texel_index + base + size_t(from), texture, turn, to - from);
                written += uint32_t(to - from);
            }
        }
        for (int run = 0; run < 4; ++run) {
            int32_t from = std::max<int32_t>(box.x + runs.partial[2 * run], area.x);
            int32_t to = std::min<int32_t>(box.x + runs.partial[2 * run + 1], area.right());
            for (int32_t x = from; x < to; ++x) {
                size_t index = base + size_t(x);
                out[x] = blend(still[index], texture[texel_index[index] - turn], alpha[index]);
            }
            written += uint32_t(std::max(0, to - from));
        }
    }
    return written;
}

void WheelRenderer::draw_ring_image(Surface& out) const
{
    int32_t rows = std::min(out.height, m_box), columns = std::min(out.width, m_box);
    for (int32_t y = 0; y < rows; ++y) {
        uint32_t* line = out.row(y);
        size_t base = size_t(y) * size_t(m_box);
        for (int32_t x = 0; x < columns; ++x) {
            size_t index = base + size_t(x);
            uint32_t alpha = m_alpha[index];
            if (alpha == 0) {
                line[x] = 0;
                continue;
            }
            // The texel the screen angle shows at rotation 0 (as draw_rotating).
            Color c = m_texture[m_texel_index[index]];
            line[x] = alpha << 24 | blend(0, c, uint8_t(alpha));
        }
    }
}

} // namespace rota
