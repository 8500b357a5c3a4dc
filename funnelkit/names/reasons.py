"""Why the analyser gave a label: one stable code per reason, with en / ru / uk texts.

Every reason the analyser can give lives in this table, so a message catalog can be extracted
from it; `{…}` fields are filled with the stage's own words (quoted as they are written in the
name, never a lexicon stem). A verdict's reason is its main code plus optional note codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason in three languages."""

    en: str
    ru: str
    uk: str

    def text(self, lang: str) -> str:
        return {"en": self.en, "ru": self.ru, "uk": self.uk}.get(lang, self.en)


R = Reason
REASONS: dict[str, Reason] = {
    "ok.clean": R(
        "no naming problem found",
        "проблем с названием не найдено",
        "проблем із назвою не знайдено",
    ),
    "ok.empty": R(
        "no words to judge (only numbers, emoji or punctuation)",
        "нет слов для оценки (только цифры, эмодзи или знаки)",
        "немає слів для оцінки (лише цифри, емодзі або знаки)",
    ),
    "dump.thinking": R(
        "parking stage: the client is thinking it over («{trigger}»), no step toward the purchase",
        "этап-«отстойник»: клиент думает («{trigger}»), это не шаг к покупке",
        "етап-«відстійник»: клієнт думає («{trigger}»), це не крок до покупки",
    ),
    "dump.no_answer": R(
        "parking stage: the client cannot be reached («{trigger}»), no step toward the purchase",
        "этап-«отстойник»: клиент не выходит на связь («{trigger}»), это не шаг к покупке",
        "етап-«відстійник»: клієнт не виходить на зв'язок («{trigger}»), це не крок до покупки",
    ),
    "dump.postponed": R(
        "parking stage: the deal is postponed or set aside («{trigger}»)",
        "этап-«отстойник»: сделка отложена или убрана в сторону («{trigger}»)",
        "етап-«відстійник»: угоду відкладено або прибрано вбік («{trigger}»)",
    ),
    "dump.waiting": R(
        "parking stage: waiting on the client («{trigger}») with no task for the manager",
        "этап-«отстойник»: ожидание клиента («{trigger}») без задачи менеджеру",
        "етап-«відстійник»: очікування клієнта («{trigger}») без задачі менеджеру",
    ),
    "note.after_offer": R(
        "a «client decides» bucket right after «{previous}»",
        "«клиент решает» сразу после «{previous}»",
        "«клієнт вирішує» одразу після «{previous}»",
    ),
    "note.edge": R(
        "placed at the edge of the funnel",
        "стоит на краю воронки",
        "стоїть на краю воронки",
    ),
    "vague.client_state": R(
        "states the client's state («{trigger}»), not a task for the manager",
        "описывает состояние клиента («{trigger}»), а не задачу менеджера",
        "описує стан клієнта («{trigger}»), а не задачу менеджера",
    ),
    "vague.flag": R(
        "an exception flag («{trigger}»), not a situation and a task",
        "флажок-исключение («{trigger}»), а не ситуация и задача",
        "прапорець-виняток («{trigger}»), а не ситуація і задача",
    ),
    "vague.activity": R(
        "a generic activity («{trigger}») that goes on in any stage, with no result",
        "общее действие («{trigger}»), которое идёт на любом этапе, без результата",
        "загальна дія («{trigger}»), що триває на будь-якому етапі, без результату",
    ),
    "vague.taken_in": R(
        "«{trigger}» only says that work started, not what the situation is",
        "«{trigger}» говорит лишь, что работа началась, а не какова ситуация",
        "«{trigger}» каже лише, що робота почалася, а не яка ситуація",
    ),
    "vague.step": R(
        "an activity or a state («{trigger}») with no result",
        "действие или состояние («{trigger}») без результата",
        "дія або стан («{trigger}») без результату",
    ),
    "vague.decision_makers": R(
        "an activity («{trigger}») with no resulting situation",
        "действие («{trigger}») без итоговой ситуации",
        "дія («{trigger}») без підсумкової ситуації",
    ),
    "vague.bare_activity": R(
        "a bare activity noun («{trigger}»): of what, for whom, with what result",
        "голое существительное-действие («{trigger}»): чего, для кого, с каким результатом",
        "голий іменник-дія («{trigger}»): чого, для кого, з яким результатом",
    ),
    "vague.document": R(
        "only a sales document («{trigger}»): neither what happened to it nor the next task",
        "только документ продажи («{trigger}»): ни что с ним произошло, ни следующая задача",
        "лише документ продажу («{trigger}»): ні що з ним сталося, ні наступна задача",
    ),
    "vague.instruction": R(
        "an instruction without the situation it answers",
        "указание без ситуации, на которую оно отвечает",
        "вказівка без ситуації, на яку вона відповідає",
    ),
    "merged.outcomes": R(
        "two different outcomes in one stage («{first}» and «{second}»)",
        "два разных исхода в одном этапе («{first}» и «{second}»)",
        "два різні результати в одному етапі («{first}» і «{second}»)",
    ),
    "merged.task_wait": R(
        "a fixed internal task («{task}») glued to an open-ended client wait («{wait}»)",
        "внутренняя задача с понятным сроком («{task}») склеена с ожиданием клиента («{wait}»)",
        "внутрішня задача з чітким терміном («{task}») склеєна з очікуванням клієнта («{wait}»)",
    ),
    "granular.numbered": R(
        "a numbered repeat of «{skeleton}» ({count} stages): a counter, not a stage",
        "пронумерованный повтор «{skeleton}» (этапов: {count}): счётчик, а не этап",
        "пронумерований повтор «{skeleton}» (етапів: {count}): лічильник, а не етап",
    ),
    "granular.copy": R(
        "a numbered copy of the stage «{original}»",
        "пронумерованная копия этапа «{original}»",
        "пронумерована копія етапу «{original}»",
    ),
    "granular.attempt": R(
        "a numbered attempt («{stage}»): a counter, not a stage",
        "пронумерованная попытка («{stage}»): счётчик, а не этап",
        "пронумерована спроба («{stage}»): лічильник, а не етап",
    ),
    "granular.duplicate": R(
        "duplicates the stage «{original}»",
        "повторяет этап «{original}»",
        "повторює етап «{original}»",
    ),
    "granular.near_duplicate": R(
        "a variant of the neighbouring stage «{original}» (the same step with a qualifier)",
        "вариант соседнего этапа «{original}» (тот же шаг с уточнением)",
        "варіант сусіднього етапу «{original}» (той самий крок з уточненням)",
    ),
    "granular.sub_step": R(
        "a sub-step of «{previous}» (the same action «{action}»)",
        "подшаг этапа «{previous}» (то же действие «{action}»)",
        "підкрок етапу «{previous}» (та сама дія «{action}»)",
    ),
    "granular.preparation": R(
        "preparing what the next stage «{next}» already states as done: a task, not a stage",
        "подготовка того, что следующий этап «{next}» уже называет сделанным: задача, а не этап",
        "підготовка того, що наступний етап «{next}» вже називає зробленим: задача, а не етап",
    ),
    "granular.call_outcome": R(
        "a call outcome of the «{step}» step split into its own stage",
        "итог звонка по шагу «{step}» вынесен в отдельный этап",
        "результат дзвінка щодо кроку «{step}» винесено в окремий етап",
    ),
    "granular.message": R(
        "a single message («{trigger}») as a stage: an activity, not a step",
        "одно сообщение («{trigger}») как этап: действие, а не шаг",
        "одне повідомлення («{trigger}») як етап: дія, а не крок",
    ),
    "granular.courtesy": R(
        "a courtesy call («{trigger}») as a stage: a task, not a step",
        "звонок вежливости («{trigger}») как этап: задача, а не шаг",
        "дзвінок ввічливості («{trigger}») як етап: задача, а не крок",
    ),
    "granular.handoff": R(
        "one link of an internal hand-off chain («{previous}» → «{stage}»)",
        "звено цепочки внутренних передач («{previous}» → «{stage}»)",
        "ланка ланцюжка внутрішніх передач («{previous}» → «{stage}»)",
    ),
    "role.name": R(
        "funnel name contains «{trigger}»",
        "в названии воронки есть «{trigger}»",
        "у назві воронки є «{trigger}»",
    ),
    "role.generic": R(
        "a generic funnel name («{trigger}»)",
        "общее название воронки («{trigger}»)",
        "загальна назва воронки («{trigger}»)",
    ),
    "role.stages": R(
        "{share} of stages look like {role}",
        "{share} этапов похожи на роль «{role}»",
        "{share} етапів схожі на роль «{role}»",
    ),
    "role.default": R(
        "no role cues; assumed a sales funnel",
        "признаков роли нет; считаем воронкой продаж",
        "ознак ролі немає; вважаємо воронкою продажів",
    ),
    "sales.in_lead": R(
        "a sales step («{trigger}») inside a lead funnel",
        "шаг продажи («{trigger}») внутри воронки лидов",
        "крок продажу («{trigger}») всередині воронки лідів",
    ),
}


def render(
    code: str, params: Mapping[str, str], notes: tuple[str, ...] = (), lang: str = "en"
) -> str:
    """The reason text in one language: the main reason, then its notes after «; »."""
    parts = [REASONS[code].text(lang).format(**params)]
    parts += [REASONS[n].text(lang).format(**params) for n in notes]
    return "; ".join(parts)
